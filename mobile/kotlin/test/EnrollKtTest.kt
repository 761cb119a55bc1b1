// Drives the Kotlin layer on the JVM against the Go engine (libgojni) and the
// Go simulator: suspend functions, sealed types, typed errors, cancellation,
// kill-and-restore. .ci/mobile compiles the layer and this file with kotlinc
// and runs it; a failed check makes it exit non-zero.
package com.enrollfsm.enroll.test

import com.enrollfsm.enroll.Action
import com.enrollfsm.enroll.Answer
import com.enrollfsm.enroll.AnswerResult
import com.enrollfsm.enroll.CallbackPimsBridge
import com.enrollfsm.enroll.CodeClass
import com.enrollfsm.enroll.Counters
import com.enrollfsm.enroll.ConfigException
import com.enrollfsm.enroll.EnrollConfig
import com.enrollfsm.enroll.Enrollment
import com.enrollfsm.enroll.ErrorKind
import com.enrollfsm.enroll.Failure
import com.enrollfsm.enroll.EnrollmentFlow
import com.enrollfsm.enroll.Event
import com.enrollfsm.enroll.Op
import com.enrollfsm.enroll.Outcome
import com.enrollfsm.enroll.Pending
import com.enrollfsm.enroll.PimsBridge
import com.enrollfsm.enroll.PimsCallbacks
import com.enrollfsm.enroll.PimsReply
import com.enrollfsm.enroll.Platform
import com.enrollfsm.enroll.Prompt
import com.enrollfsm.enroll.Reason
import com.enrollfsm.enroll.RestoreResult
import com.enrollfsm.enroll.State
import com.enrollfsm.enroll.Transition
import com.enrollfsm.enroll.enroll
import com.enrollfsm.enroll.operate
import com.enrollfsm.mobilesim.Mobilesim
import com.example.enroll.parseMessage
import com.example.enroll.quote
import com.example.enroll.saved.RunStore
import com.example.enroll.saved.SavedRun
import com.enrollfsm.mobilesim.Simulator
import java.util.Collections
import java.util.concurrent.Executors
import kotlin.system.exitProcess
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList

private var passed = 0
private var failed = 0

public fun main() {
    test("a whole enrollment through suspend functions and the SDK's callbacks", ::wholeEnrollment)
    test("a wrong PIN: a typed reason with the code, its class and the attempts left", ::wrongPIN)
    test("a 2317 at step 8: confirm the removal, then enrolled", ::forbiddenThenRemoval)
    test("cancelling the coroutine during a call leaves the run resumable", ::cancelCoroutineDuringCall)
    test("cancel() during a call ends the run at once", ::cancelRunDuringCall)
    test("kill and restore with a sealing key", ::killAndRestore)
    test("a saved run restores once: the place kept apart from the snapshot", ::savedRunRestoresOnce)
    test("refusals are results, misuse throws, a failure is in the outcome", ::refusalsAndFailures)
    test("an account operation: update_pin", ::updatePIN)
    test("a wrong SMS code, a resend, and a bridge that throws", ::codesAndBridgeFailures)
    test("the SDK's message as JSON: escapes, numbers, nesting; a second callback ignored", ::messages)
    test("a bridge that times out: the run waits at retry, the caller goes on", ::bridgeTimeout)
    println("kotlin: $passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}

private fun test(name: String, body: suspend () -> Unit) {
    try {
        runBlocking { withTimeout(30_000) { body() } }
        passed++
        println("PASS $name")
    } catch (t: Throwable) {
        failed++
        println("FAIL $name: $t")
        t.printStackTrace(System.out)
    }
}

private fun check(ok: Boolean, what: () -> String) {
    if (!ok) throw AssertionError(what())
}

private fun <T> equal(want: T, got: T, what: String) = check(want == got) { "$what: want $want, got $got" }

private inline fun <reified E : Throwable> throws(block: () -> Unit): E {
    try {
        block()
    } catch (e: Throwable) {
        if (e is E) return e
        throw AssertionError("want ${E::class.java.simpleName}, got $e")
    }
    throw AssertionError("want ${E::class.java.simpleName}, nothing thrown")
}

/**
 * The SDK's facade as the tutorial has it, over the Go simulator: the callback comes on
 * another thread, as the SDK's does. [hold] keeps a call's callback instead of calling it.
 */
private class FakeSdk(val sim: Simulator) : PimsCallbacks {
    val calls = Collections.synchronizedList(ArrayList<String>())
    @Volatile var before: (op: String, api: String, params: Map<String, String>) -> Unit = { _, _, _ -> }
    @Volatile var hold: ((op: String, api: String) -> Boolean)? = null
    val held = CompletableDeferred<() -> Unit>()
    private val sdkThread = Executors.newSingleThreadExecutor()

    override fun get(api: String, params: Map<String, String>, callback: PimsReply) =
        call("get", api, params, callback)

    override fun set(api: String, params: Map<String, String>, callback: PimsReply) =
        call("set", api, params, callback)

    private fun call(op: String, api: String, params: Map<String, String>, callback: PimsReply) {
        calls.add("$op $api")
        before(op, api, params)
        val request = "{\"op\":${quote(op)},\"api\":${quote(api)},\"params\":{" +
            params.entries.joinToString(",") { "${quote(it.key)}:${quote(it.value)}" } + "}}"
        val reply = { callback.reply(parseMessage(String(sim.call(request), Charsets.UTF_8))) }
        if (hold?.invoke(op, api) == true) {
            held.complete { sdkThread.execute(reply) }
            return
        }
        sdkThread.execute(reply)
    }

    fun close() = sdkThread.shutdown()
}

/** The user: types what the simulated SMS says, and [pin]. */
private class User(val sim: Simulator, val pin: String) {
    val asked = ArrayList<Pending.Ask>()

    fun answer(ask: Pending.Ask): Answer {
        asked.add(ask)
        return when (ask.prompt) {
            Prompt.PHONE_NUMBER -> ask.answer("06 12 34 56 78")
            Prompt.CERTIFICATION_CODE -> ask.answer(sim.lastCode(Mobilesim.KindCertification))
            Prompt.ENROLLMENT_CODE -> ask.answer(sim.lastCode(Mobilesim.KindEnrollment))
            Prompt.PIN, Prompt.NEW_PIN -> ask.answer(pin)
            Prompt.OLD_PIN -> ask.answer(Mobilesim.DefaultPIN)
            Prompt.CONFIRM_REMOVAL -> ask.act(Action.YES)
            Prompt.RETRY -> ask.act(Action.RETRY)
        }
    }
}

private suspend fun wholeEnrollment() = coroutineScope {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationNew, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    val log = Collections.synchronizedList(ArrayList<String>())
    val user = User(sim, "4321")
    val enrollment = Enrollment.start(
        CallbackPimsBridge(sdk),
        EnrollConfig(flow = EnrollmentFlow.FULL, logger = { level, message, attrs -> log.add("$level $message $attrs") })
    )
    // Collected after start: the first transition, made by start, is replayed.
    val moves = Collections.synchronizedList(ArrayList<Transition>())
    val collecting = launch(start = CoroutineStart.UNDISPATCHED) { enrollment.transitions.collect { moves.add(it) } }
    val seen = Collections.synchronizedList(ArrayList<Pending>())
    val watching = launch(start = CoroutineStart.UNDISPATCHED) { enrollment.pending.collect { seen.add(it) } }
    var pinCalls = 0
    sdk.before = { _, _, params ->
        if (params.containsValue("4321")) {
            // The engine can be read while the SDK works: the call in flight holds the PIN, printing it does not.
            val call = enrollment.pending.value
            check(call is Pending.Call && call.params.containsValue("4321")) { "the call holds the PIN" }
            check(!call.toString().contains("4321")) { "printing a call masks the PIN: $call" }
            pinCalls++
        }
    }
    val first = enrollment.pending.value
    check(first is Pending.Call) { "a call is pending first: $first" }
    first as Pending.Call
    equal(Op.GET, first.op, "first call's op")
    equal("1", first.step, "first call's step")

    // The user takes a moment at each prompt (yield): the prompt shows in the pending flow, which
    // conflates what comes and goes between two reads.
    val outcome = enrollment.run { yield(); user.answer(it) }
    sdk.close()

    equal<Outcome>(Outcome.Enrolled(), outcome, "outcome, a value")
    check(outcome.ok) { "ok" }
    equal<Pending>(Pending.Ended(Outcome.Enrolled()), enrollment.pending.value, "pending at the end")
    equal(State.ENROLLED, enrollment.state, "state")
    equal(EnrollmentFlow.FULL, enrollment.flow, "flow")
    equal(listOf(Prompt.PHONE_NUMBER, Prompt.CERTIFICATION_CODE, Prompt.ENROLLMENT_CODE, Prompt.NEW_PIN), user.asked.map { it.prompt }, "prompts")
    check(user.asked.all { it.reason == null }) { "no reason on a first ask" }
    check(user.asked[1].sentTo?.contains("••") == true) { "masked number: ${user.asked[1].sentTo}" }
    check(sim.deviceActivated()) { "device activated" }
    equal(9, sdk.calls.size, "calls: steps 1, 2, 3, 4a, 4.2, 5, 6, 7, 8")
    equal(2, pinCalls, "steps 7 and 8 carry the PIN")
    equal(Counters(wrongCodes = 0, wrongPins = 0, resends = 0, removals = 0, calls = 9), enrollment.counters, "counters, a value")
    yield()
    watching.cancel()
    check(seen.any { it is Pending.Ask && it.prompt == Prompt.NEW_PIN }) { "the pending flow showed the new_pin prompt: $seen" }
    check(seen.last() is Pending.Ended) { "the pending flow ended: ${seen.last()}" }
    yield() // the collector takes what is buffered
    collecting.cancel()
    equal(Transition(State.START, State.CHECKING_ENROLLMENT, Event.BEGIN), moves.first(), "first transition, made by start")
    equal(State.ENROLLED, moves.last().to, "last transition")
    check(moves.zipWithNext().all { (a, b) -> a.to == b.from }) { "transitions chain: $moves" }
    val late = enrollment.transitions.take(moves.size).toList()
    equal(moves.toList(), late, "a collector after the end gets them all again")
    check(log.isNotEmpty()) { "log records" }
    val secrets = listOf("4321", sim.lastCode(Mobilesim.KindEnrollment), sim.lastCode(Mobilesim.KindCertification))
    for (line in log) for (s in secrets) check(!line.contains(s)) { "a secret in the log: $line" }
    equal(false, enrollment.cancel(), "cancel after the end")
}

private suspend fun wrongPIN() {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationPINExists, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    val user = User(sim, Mobilesim.DefaultPIN)
    val enrollment = Enrollment.start(CallbackPimsBridge(sdk), EnrollConfig(flow = EnrollmentFlow.FULL))
    var typedWrong = false
    val outcome = enrollment.run { ask ->
        if (ask.prompt == Prompt.PIN && !typedWrong) {
            typedWrong = true
            ask.answer("0000")
        } else {
            user.answer(ask)
        }
    }
    sdk.close()
    check(outcome is Outcome.Enrolled) { "outcome: $outcome" }
    val again = user.asked.single { it.prompt == Prompt.PIN }
    val reason = again.reason
    check(reason != null) { "a reason" }
    reason!!
    equal(ErrorKind.PIMS, reason.kind, "kind")
    equal(2308, reason.code, "code")
    equal(CodeClass.REJECTED, reason.pims?.codeClass, "class")
    check(reason.pims?.label?.isNotEmpty() == true) { "label" }
    equal("8", reason.step, "step")
    equal(4, again.attemptsLeft, "attempts left")
    equal(null, again.resendsLeft, "the pin prompt offers no resend")
    check(!reason.message.contains("0000")) { "no PIN in the reason: ${reason.message}" }
    check(!again.toString().contains("0000")) { "no PIN in the prompt: $again" }
    equal(1, enrollment.counters.wrongPins, "wrong PINs")
}

private suspend fun forbiddenThenRemoval() {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationPINExists, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    var injected = false
    sdk.before = { op, api, params ->
        if (!injected && op == "set" && api == "pims.authentication.enrollment" && params["action"] == "enroll") {
            injected = true
            sim.injectNext(2317)
        }
    }
    val user = User(sim, Mobilesim.DefaultPIN)
    val enrollment = Enrollment.start(CallbackPimsBridge(sdk), EnrollConfig(flow = EnrollmentFlow.FULL))
    val outcome = enrollment.run { user.answer(it) }
    sdk.close()
    check(outcome is Outcome.Enrolled) { "outcome: $outcome" }
    check(injected) { "step 8 was made" }
    equal(1, enrollment.counters.removals, "removals")
    val confirm = user.asked.single { it.prompt == Prompt.CONFIRM_REMOVAL }
    equal(State.CONFIRMING_REMOVAL, confirm.state, "state")
    equal(setOf(Action.YES, Action.NO, Action.CANCEL), confirm.actions, "actions")
    val reason = confirm.reason
    equal(ErrorKind.PIMS, reason?.kind, "reason: $reason")
    equal(2317, reason?.code, "code")
    equal(CodeClass.BLOCKED, reason?.pims?.codeClass, "class")
    check(sim.deviceActivated()) { "device activated" }
}

private suspend fun cancelCoroutineDuringCall() = coroutineScope {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationEnrolled, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    sdk.hold = { _, _ -> true }
    val enrollment = Enrollment.start(CallbackPimsBridge(sdk))
    val job = launch { enrollment.advance() }
    val lateReply = sdk.held.await()
    equal(State.CHECKING_ENROLLMENT, enrollment.state, "calling")
    val inFlight = enrollment.snapshot()
    check(inFlight != null) { "a snapshot during a call" }
    val killed = Enrollment.restore(CallbackPimsBridge(FakeSdk(sim)), inFlight!!)
    check(killed is RestoreResult.Restored) { "restored: $killed" }
    equal(State.INTERRUPTED, (killed as RestoreResult.Restored).enrollment.state, "saved as if the call were interrupted")
    check(enrollment.pending.value is Pending.Call) { "a call in flight: ${enrollment.pending.value}" }
    job.cancelAndJoin()

    equal(State.INTERRUPTED, enrollment.state, "interrupted, not cancelled")
    check(enrollment.outcome == null) { "the run goes on" }
    val retry = enrollment.pending.value
    check(retry is Pending.Ask && retry.prompt == Prompt.RETRY) { "retry prompt: $retry" }
    retry as Pending.Ask
    equal(ErrorKind.BRIDGE, retry.reason?.kind, "reason: ${retry.reason}")
    val saved = enrollment.snapshot()
    check(saved != null && saved.isNotEmpty()) { "a snapshot at the retry prompt" }

    lateReply() // the SDK's callback comes after all: ignored
    sdk.hold = null
    val outcome = enrollment.run { ask -> ask.act(Action.RETRY) }
    sdk.close()
    check(outcome is Outcome.Enrolled) { "outcome: $outcome" }
}

private suspend fun cancelRunDuringCall() = coroutineScope {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationNew, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    sdk.hold = { _, _ -> true }
    val enrollment = Enrollment.start(CallbackPimsBridge(sdk))
    val advancing = async { enrollment.advance() }
    sdk.held.await()
    equal(true, enrollment.cancel(), "cancel() ended the run")
    equal(State.CANCELLED, enrollment.state, "state once cancel() has returned")
    check(enrollment.outcome is Outcome.Cancelled) { "outcome: ${enrollment.outcome}" }
    val done = advancing.await()
    equal<Pending>(Pending.Ended(Outcome.Cancelled()), done, "advance returned")
    sdk.close()
}

/** Runs to the new_pin prompt and saves the run; the engine is dropped, as a killed process's. */
private suspend fun saveAtNewPIN(sdk: FakeSdk, user: User, config: EnrollConfig): ByteArray {
    val enrollment = Enrollment.start(CallbackPimsBridge(sdk), config)
    var p = enrollment.advance()
    check(p is Pending.Ask && p.prompt == Prompt.ENROLLMENT_CODE) { "enrollment code: $p" }
    enrollment.answer(user.answer(p as Pending.Ask))
    p = enrollment.advance()
    check(p is Pending.Ask && p.prompt == Prompt.NEW_PIN) { "new PIN: $p" }
    return enrollment.snapshot() ?: throw AssertionError("no snapshot at a prompt")
}

private suspend fun killAndRestore() {
    val key = ByteArray(32) { it.toByte() }
    val sim = Mobilesim.newSimulator(Mobilesim.SituationHasPhone, Platform.IOS.wire)
    val sdk = FakeSdk(sim)
    val user = User(sim, "2468")
    val config = EnrollConfig(flow = EnrollmentFlow.FULL, platform = Platform.IOS, sdkVersion = "2.0.0", snapshotKey = key)
    val saved = saveAtNewPIN(sdk, user, config)

    val text = String(saved, Charsets.UTF_8)
    check(!text.contains(sim.lastCode(Mobilesim.KindEnrollment))) { "no code in the snapshot" }
    check(text.contains("seal")) { "sealed: $text" }
    fun refused(r: RestoreResult) = check(r is RestoreResult.Refused && r.reason.kind == ErrorKind.SNAPSHOT) { "refused: $r" }
    refused(Enrollment.restore(CallbackPimsBridge(sdk), saved, ByteArray(32) { 7 }))
    val changed = text.replace("\"wrongPins\":0", "\"wrongPins\":1").toByteArray(Charsets.UTF_8)
    check(!changed.contentEquals(saved)) { "the change took" }
    refused(Enrollment.restore(CallbackPimsBridge(sdk), changed, key))
    refused(Enrollment.restore(CallbackPimsBridge(sdk), "{".toByteArray(), key))
    throws<ConfigException> { Enrollment.restore(CallbackPimsBridge(sdk), saved, ByteArray(4)) }

    val result = Enrollment.restore(CallbackPimsBridge(sdk), saved, key)
    check(result is RestoreResult.Restored) { "restored: $result" }
    val restored = (result as RestoreResult.Restored).enrollment
    // The snapshot holds no code, and on iOS step 8 carries it: back to the code prompt.
    equal(State.AWAITING_ENROLLMENT_CODE, restored.state, "restored state")
    equal(EnrollmentFlow.FULL, restored.flow, "restored flow")
    val savedPlace = restored.place
    check(Regex("[A-Za-z0-9_-]+\\.[0-9]+").matches(savedPlace)) { "place: $savedPlace" }
    check(Enrollment.restore(CallbackPimsBridge(sdk), saved, key, latest = savedPlace) is RestoreResult.Restored) { "the latest restores" }
    throws<ConfigException> { Enrollment.restore(CallbackPimsBridge(sdk), saved, key, latest = "no place") }
    val outcome = restored.run { user.answer(it) }
    sdk.close()
    check(outcome is Outcome.Enrolled) { "outcome: $outcome" }
    // The place kept at the end refuses the snapshot the run went on from.
    val again = Enrollment.restore(CallbackPimsBridge(sdk), saved, key, latest = restored.place)
    check(again is RestoreResult.Refused && again.reason.kind == ErrorKind.STALE_SNAPSHOT) { "refused as stale: $again" }
    // Asked again, with the reason, before the new PIN.
    val reasked = user.asked.firstOrNull { it.reason?.kind == ErrorKind.ASKED_AGAIN }
    check(reasked != null && reasked.prompt == Prompt.ENROLLMENT_CODE) { "asked again: ${user.asked}" }
    equal(Prompt.ENROLLMENT_CODE, reasked?.prompt, "asked again")
}

/**
 * The sample's SavedRun: an older copy of the snapshot put back is refused, and so is the last
 * one once the run has ended, though no call was made after it.
 */
private suspend fun savedRunRestoresOnce() {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationHasPhone, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    val bridge = CallbackPimsBridge(sdk)
    val store = object : RunStore {
        override val key = ByteArray(32) { 3 }
        override var place: String? = null
        override var snapshot: ByteArray? = null
    }
    val saved = SavedRun(store)
    val enrollment = Enrollment.start(bridge, EnrollConfig(flow = EnrollmentFlow.FULL, snapshotKey = store.key))
    var p = enrollment.advance()
    check(p is Pending.Ask && p.prompt == Prompt.ENROLLMENT_CODE) { "enrollment code: $p" }
    saved.save(enrollment)
    val older = store.snapshot
    check(enrollment.act(Prompt.ENROLLMENT_CODE, Action.RESEND) is AnswerResult.Accepted) { "resend" }
    p = enrollment.advance()
    check(p is Pending.Ask && p.prompt == Prompt.ENROLLMENT_CODE) { "a new code: $p" }
    saved.save(enrollment)
    val latest = store.snapshot

    store.snapshot = older
    equal(null, saved.restore(bridge), "an older copy restores")
    equal(null, store.snapshot, "a refused snapshot is dropped")
    store.snapshot = latest
    val restored = saved.restore(bridge) ?: throw AssertionError("the latest does not restore")
    equal(State.AWAITING_ENROLLMENT_CODE, restored.state, "restored state")
    check(restored.cancel()) { "cancel" }
    saved.ended(restored)
    store.snapshot = latest
    equal(null, saved.restore(bridge), "the last snapshot of an ended run restores")
    sdk.close()
}

private suspend fun refusalsAndFailures() {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationNew, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    val enrollment = Enrollment.start(CallbackPimsBridge(sdk), EnrollConfig(flow = EnrollmentFlow.FULL))
    val ask = enrollment.advance()
    check(ask is Pending.Ask && ask.prompt == Prompt.PHONE_NUMBER) { "phone prompt: $ask" }
    val bad = enrollment.answer(Prompt.PHONE_NUMBER, "12")
    check(bad is AnswerResult.Refused) { "a malformed number is refused: $bad" }
    val reason = (bad as AnswerResult.Refused).reason
    equal(ErrorKind.INVALID_INPUT, reason.kind, "kind")
    equal("phone number", reason.field, "field")
    check(reason.pims == null && reason.code == null) { "no PIMS code behind a local refusal" }
    equal(reason, (enrollment.pending.value as Pending.Ask).reason, "the refusal is the prompt's reason")
    equal<AnswerResult>(AnswerResult.Refused(reason), AnswerResult.Refused(reason.copy()), "results are values")
    fun refusedAs(kind: ErrorKind, r: AnswerResult) = equal(kind, (r as? AnswerResult.Refused)?.reason?.kind, "refused: $r")
    refusedAs(ErrorKind.WRONG_PROMPT, enrollment.answer(Prompt.PIN, "1234")) // a stale screen
    refusedAs(ErrorKind.NOT_ALLOWED, enrollment.act(Prompt.PHONE_NUMBER, Action.FORGOT_PIN))
    check(throws<IllegalStateException> { enrollment.run { Answer.Act(Prompt.PIN, Action.RETRY) } }.message!!.contains("answered PIN")) {
        "an answerer that answers another prompt is a bug"
    }
    throws<ConfigException> { Enrollment.start(CallbackPimsBridge(sdk), EnrollConfig(snapshotKey = ByteArray(4))) }
    throws<ConfigException> { Enrollment.start(CallbackPimsBridge(sdk), EnrollConfig(sdkVersion = "two")) }
    throws<ConfigException> { enroll(CallbackPimsBridge(sdk), EnrollConfig(flow = EnrollmentFlow.RESET_PIN)) { it.act(Action.CANCEL) } }

    // A fatal code ends the run: the outcome carries the failure, the code and its class.
    val fatal = Mobilesim.newSimulator(Mobilesim.SituationNew, Platform.ANDROID.wire)
    fatal.injectNext(2312)
    val fatalSdk = FakeSdk(fatal)
    val outcome = enroll(CallbackPimsBridge(fatalSdk)) { it.act(Action.CANCEL) }
    fatalSdk.close()
    sdk.close()
    check(outcome is Outcome.Failed) { "outcome: $outcome" }
    outcome as Outcome.Failed
    equal(Failure.PIMS, outcome.failure, "failure")
    equal(2312, outcome.code, "code")
    equal(CodeClass.FATAL, outcome.reason.pims?.codeClass, "class")
    equal("1", outcome.reason.step, "step")
    check(!outcome.ok) { "not ok" }
}

private suspend fun updatePIN() {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationEnrolled, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    val user = User(sim, "8642")
    val outcome = operate(CallbackPimsBridge(sdk), EnrollConfig(flow = EnrollmentFlow.UPDATE_PIN)) { user.answer(it) }
    sdk.close()
    check(outcome is Outcome.Done) { "outcome: $outcome" }
    equal(listOf(Prompt.OLD_PIN, Prompt.NEW_PIN), user.asked.map { it.prompt }, "prompts")
}

private suspend fun codesAndBridgeFailures() {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationHasPhone, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    var thrown = false
    val callbacks = object : PimsCallbacks by sdk {
        override fun set(api: String, params: Map<String, String>, callback: PimsReply) {
            if (!thrown && params.containsKey("pinCode")) {
                thrown = true
                throw IllegalStateException("SDK not ready")
            }
            sdk.set(api, params, callback)
        }
    }
    val user = User(sim, "1357")
    val enrollment = Enrollment.start(CallbackPimsBridge(callbacks), EnrollConfig(flow = EnrollmentFlow.FULL))
    var wrongCode = false
    var resent = false
    val outcome = enrollment.run { ask ->
        when {
            ask.prompt == Prompt.ENROLLMENT_CODE && !wrongCode -> {
                wrongCode = true
                ask.answer(if (sim.lastCode(Mobilesim.KindEnrollment) == "000000") "111111" else "000000")
            }
            ask.prompt == Prompt.ENROLLMENT_CODE && !resent -> {
                resent = true
                user.asked.add(ask)
                check(ask.offers(Action.RESEND)) { "resend offered: ${ask.actions}" }
                ask.act(Action.RESEND)
            }
            else -> user.answer(ask)
        }
    }
    sdk.close()
    check(outcome is Outcome.Enrolled) { "outcome: $outcome" }
    val again = user.asked.first { it.prompt == Prompt.ENROLLMENT_CODE }
    val reason = again.reason
    check(reason?.kind == ErrorKind.PIMS && reason.code == 2308) { "a refused code: $reason" }
    equal(2, again.attemptsLeft, "three wrong codes per SMS, one spent")
    equal(3, again.resendsLeft, "three resends a run, none spent")
    equal(1, enrollment.counters.resends, "resends")
    equal(1, enrollment.counters.wrongCodes, "wrong codes")
    val retry = user.asked.single { it.prompt == Prompt.RETRY }
    val failed = retry.reason
    equal(ErrorKind.BRIDGE, failed?.kind, "a bridge failure: $failed")
    check(failed?.message?.contains("SDK not ready") == true) { "the SDK's message: ${failed?.message}" }
}

private suspend fun messages() {
    // A message as an SDK may build it: nested maps, a list, numbers, a boolean, a null and
    // characters JSON escapes; the engine reads what the layer writes.
    val odd = "a \"quoted\" \\ label\nwith\ttabs, \u0001 and é"
    var callbacks = 0
    val sdk = object : PimsCallbacks {
        override fun get(api: String, params: Map<String, String>, callback: PimsReply) {
            val message = mapOf(
                "transactionId" to odd,
                "status" to "SUCCEEDED",
                "result" to mapOf<String, Any?>(
                    "isDeviceActivated" to true,
                    "count" to 3,
                    "ratio" to 0.5,
                    "list" to listOf(1L, "two", null),
                    "array" to arrayOf("x"),
                    "nothing" to null
                )
            )
            callback.reply(message)
            callbacks++
            callback.reply(message) // a second callback: ignored
        }

        override fun set(api: String, params: Map<String, String>, callback: PimsReply) =
            throw AssertionError("an enrolled device makes no set")
    }
    val log = Collections.synchronizedList(ArrayList<String>())
    val enrollment = Enrollment.start(CallbackPimsBridge(sdk), EnrollConfig(logger = { _, message, attrs -> log.add("$message $attrs") }))
    val done = enrollment.advance()
    equal<Pending>(Pending.Ended(Outcome.Enrolled()), done, "enrolled")
    equal(1, callbacks, "one call")
    check(log.any { it.contains("quoted") }) { "the transaction id reached the engine as written: $log" }
}

private suspend fun bridgeTimeout() {
    val sim = Mobilesim.newSimulator(Mobilesim.SituationEnrolled, Platform.ANDROID.wire)
    val sdk = FakeSdk(sim)
    val real = CallbackPimsBridge(sdk)
    var timeouts = 0
    val bridge = object : PimsBridge {
        override suspend fun get(api: String, params: Map<String, String>): Map<String, Any?> {
            if (timeouts == 0) {
                timeouts++
                // An SDK that never calls back, bounded as an app would bound it.
                return withTimeout(50) { suspendCancellableCoroutine<Map<String, Any?>> { } }
            }
            return real.get(api, params)
        }

        override suspend fun set(api: String, params: Map<String, String>): Map<String, Any?> = real.set(api, params)
    }
    val enrollment = Enrollment.start(bridge)
    val retry = enrollment.advance()
    check(retry is Pending.Ask && retry.prompt == Prompt.RETRY) { "retry prompt: $retry" }
    retry as Pending.Ask
    equal(ErrorKind.BRIDGE, retry.reason?.kind, "reason: ${retry.reason}")
    equal<AnswerResult>(AnswerResult.Accepted, enrollment.answer(retry.act(Action.RETRY)), "retry taken")
    val done = enrollment.advance()
    sdk.close()
    equal<Pending>(Pending.Ended(Outcome.Enrolled()), done, "enrolled")
    equal(1, timeouts, "one timeout")
}
