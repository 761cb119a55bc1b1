package com.enrollfsm.enroll

import com.enrollfsm.mobile.Config
import com.enrollfsm.mobile.Engine
import com.enrollfsm.mobile.Listener
import com.enrollfsm.mobile.Logger
import com.enrollfsm.mobile.Mobile
import kotlin.coroutines.coroutineContext
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.isActive
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * One enrollment or account operation. [pending] is what it needs now; [advance] makes the
 * pending calls through the [PimsBridge] until the user is asked something or the run ends;
 * [answer] and [act] answer; [run] does it all with a suspending answerer.
 *
 * What a run meets is data, not exceptions: a refused answer is an [AnswerResult.Refused], a
 * wrong PIN or a failed call is the reason of the prompt asked again, a failed run an
 * [Outcome.Failed], a damaged snapshot a [RestoreResult.Refused]. Only misuse
 * ([ConfigException]) and faults of the bindings ([EngineFaultException]) throw.
 *
 * Cancelling the coroutine of [advance] or [run] during a call abandons the call and leaves the
 * run at the retry prompt ([Prompt.RETRY], reason [ErrorKind.BRIDGE]): it can be saved with
 * [snapshot] and resumed later, and the retry checks what an abandoned enrollment call did.
 * [cancel] instead ends the run.
 *
 * Every member but [advance] and [run] returns at once and may be called on any thread, the
 * main one included, once the native library is loaded: see [preload].
 */
public class Enrollment private constructor(private val go: Engine, private val bridge: PimsBridge, private val hub: Hub) {
    private val advancing = Mutex()
    @Volatile private var inFlight: Deferred<Map<String, Any?>>? = null
    private val _pending = MutableStateFlow(read())

    public companion object {
        /** How many past transitions [transitions] replays to a new collector, at most. */
        public const val REPLAYED: Int = 256

        /**
         * Loads the native library, starts the Go runtime and loads the classes a run needs, on
         * the calling thread, once per process; later calls return at once. The first [start]
         * or [restore] does it otherwise, wherever that is: call this on a background thread or
         * dispatcher at app start, so that they never wait for it on the main thread.
         */
        @JvmStatic
        public fun preload() {
            if (preloaded) return
            synchronized(this) {
                if (preloaded) return
                // A run started and dropped: nothing is called, and nothing is left to load.
                start(idle)
                preloaded = true
            }
        }

        @Volatile private var preloaded = false

        private val idle = object : PimsBridge {
            override suspend fun get(api: String, params: Map<String, String>): Map<String, Any?> = error("never called")

            override suspend fun set(api: String, params: Map<String, String>): Map<String, Any?> = error("never called")
        }

        /**
         * Starts a run with [config]: its first call is pending. Throws [ConfigException] for a
         * setting the engine cannot use.
         */
        @JvmStatic
        @JvmOverloads
        public fun start(bridge: PimsBridge, config: EnrollConfig = EnrollConfig()): Enrollment {
            val hub = Hub()
            val c = Config()
            c.flow = config.flow.wire
            c.platform = config.platform.wire
            c.sdkVersion = config.sdkVersion
            c.autoRemove = config.autoRemove
            c.vin = config.vin ?: ""
            c.snapshotKey = config.snapshotKey
            config.logger?.let { c.logger = logger(it) }
            c.listener = hub
            return when (val made = attempt { c.start() }) {
                is Attempt.Ok -> Enrollment(made.value, bridge, hub)
                is Attempt.Err -> throw configError(made.reason)
            }
        }

        /**
         * Resumes a run saved by [snapshot], with its settings. A sealed snapshot needs its
         * [snapshotKey]; given a key, an unsealed or changed snapshot is refused. Given [latest],
         * the run's [place] the app kept beside the key, a snapshot of another run or an older
         * one of this run is refused too ([ErrorKind.STALE_SNAPSHOT]). The restored run asks
         * again for a PIN or code its next call needs (reason [ErrorKind.ASKED_AGAIN]).
         */
        @JvmStatic
        @JvmOverloads
        public fun restore(
            bridge: PimsBridge,
            snapshot: ByteArray,
            snapshotKey: ByteArray? = null,
            logger: EnrollLogger? = null,
            latest: String? = null,
        ): RestoreResult {
            val hub = Hub()
            val c = Config()
            c.snapshotKey = snapshotKey
            c.latest = latest ?: ""
            logger?.let { c.logger = logger(it) }
            c.listener = hub
            return when (val made = attempt { c.restore(snapshot) }) {
                is Attempt.Ok -> RestoreResult.Restored(Enrollment(made.value, bridge, hub))
                is Attempt.Err ->
                    if (made.reason.kind == ErrorKind.SNAPSHOT || made.reason.kind == ErrorKind.STALE_SNAPSHOT) {
                        RestoreResult.Refused(made.reason)
                    } else {
                        throw configError(made.reason)
                    }
            }
        }

        private fun configError(reason: Reason): Exception =
            when (reason.kind) {
                ErrorKind.CONFIG, ErrorKind.SHORTCUT_UNSUPPORTED -> ConfigException(reason)
                else -> fault(reason)
            }

        private fun logger(sink: EnrollLogger): Logger = object : Logger {
            override fun log(level: String?, message: String?, attrs: String?) =
                unthrown { sink.log(level ?: "", message ?: "", attrs ?: "{}") }
        }
    }

    /**
     * What the run needs now: the call being made, the question to show, or how it ended. It
     * changes with every call, answer and [cancel] of this enrollment, from any thread; a
     * collector sees the latest (a call may pass between two reads).
     */
    public val pending: StateFlow<Pending> = _pending.asStateFlow()

    /**
     * Every move of the machine: a collector first gets those the run has made so far (the
     * latest [REPLAYED]), then each as it is made. The engine never waits for a collector. Collect
     * on a dispatcher, not Dispatchers.Unconfined, which would run the collector inside the
     * engine's lock, where calling the enrollment deadlocks.
     */
    public val transitions: Flow<Transition> = hub.moves.asSharedFlow()

    /** The current state. */
    public val state: State get() = State.fromWire(go.state())

    /** The flow being run, auto resolved to full or shortcut. */
    public val flow: EnrollmentFlow get() = EnrollmentFlow.fromWire(go.settings().flow)

    /**
     * Where the run is, "run.seq": its random id and a number that grows with every snapshot and
     * every call. Keep it beside the snapshot key after every [snapshot] and when the run ends,
     * and give it to [restore] as `latest`.
     */
    public val place: String get() = go.place()

    /** How the run ended, or null while it goes on. */
    public val outcome: Outcome? get() = go.outcome()?.let { outcomeOf(it) }

    public val counters: Counters
        get() = go.counters().let {
            Counters(it.wrongCodes.toInt(), it.wrongPINs.toInt(), it.resends.toInt(), it.removals.toInt(), it.calls.toInt())
        }

    private fun read(): Pending = pendingOf(go.next()) { go.outcome() }

    // Every change of the engine through this object is followed by a refresh; reading and
    // publishing under one lock keeps a slower refresh from publishing an older read.
    private fun refresh(): Pending = synchronized(_pending) { read().also { _pending.value = it } }

    /**
     * Makes the pending calls until the user is asked something ([Pending.Ask]) or the run
     * ends ([Pending.Ended]). A failed call is not an exception: it is the reason of the prompt
     * that follows. Two advances at once take turns.
     */
    public suspend fun advance(): Pending = advancing.withLock { callUntilAsked() }

    private suspend fun callUntilAsked(): Pending {
        var p = refresh()
        while (p is Pending.Call) {
            call(p)
            p = refresh()
        }
        return p
    }

    private suspend fun call(call: Pending.Call) {
        val message: Map<String, Any?>
        try {
            message = coroutineScope {
                // Started by await, once cancel() can see it.
                val reply = async(start = CoroutineStart.LAZY) {
                    if (call.delayMillis > 0) delay(call.delayMillis)
                    if (call.op == Op.GET) bridge.get(call.api, call.params) else bridge.set(call.api, call.params)
                }
                inFlight = reply
                if (go.outcome() != null) reply.cancel() // cancel() came before inFlight was set
                try {
                    reply.await()
                } finally {
                    inFlight = null
                }
            }
        } catch (e: CancellationException) {
            // Unless cancel() ended the run, the call is abandoned and what it did is unknown:
            // the run is interrupted.
            if (go.outcome() == null) settle { go.deliverError(call.callId, "cancelled: the call was abandoned") }
            refresh()
            if (!coroutineContext.isActive) throw e
            return // cancel(), or the bridge's own cancellation (a timeout): the next read says what follows
        } catch (e: Exception) {
            settle { go.deliverError(call.callId, e.message ?: e.toString()) }
            return
        }
        settle { go.deliver(call.callId, Json.encode(message).toByteArray(Charsets.UTF_8)) }
    }

    // A reply that comes after cancel() is refused: the run is over, as the next read shows.
    private inline fun settle(block: () -> Unit) {
        val done = attempt(block)
        if (done is Attempt.Err && done.reason.kind !in late) throw fault(done.reason)
    }

    /** Gives [value] to the pending [prompt]. A refused value becomes the prompt's reason too. */
    public fun answer(prompt: Prompt, value: String): AnswerResult = answered(attempt { go.answer(prompt.wire, value) })

    /** Takes [action] at the pending [prompt]. */
    public fun act(prompt: Prompt, action: Action): AnswerResult = answered(attempt { go.act(prompt.wire, action.wire) })

    public fun answer(answer: Answer): AnswerResult =
        when (answer) {
            is Answer.Value -> answer(answer.prompt, answer.value)
            is Answer.Act -> act(answer.prompt, answer.action)
        }

    private fun answered(done: Attempt<Unit>): AnswerResult {
        refresh()
        return when (done) {
            is Attempt.Ok -> AnswerResult.Accepted
            is Attempt.Err ->
                if (done.reason.kind in refusals) AnswerResult.Refused(done.reason) else throw fault(done.reason)
        }
    }

    /**
     * Ends the run: once it returns true, [state] is [State.CANCELLED], a call in flight is
     * abandoned and [advance] returns [Pending.Ended]. False if the run was already over.
     */
    public fun cancel(): Boolean {
        val done = attempt { go.cancel() }
        inFlight?.cancel()
        refresh()
        return when (done) {
            is Attempt.Ok -> true
            is Attempt.Err -> if (done.reason.kind == ErrorKind.ENDED) false else throw fault(done.reason)
        }
    }

    /**
     * Saves the run: small UTF-8 JSON without any PIN or SMS code, sealed if the run has a
     * snapshot key. While a call is in flight it saves the run as if the call had been made and
     * its reply lost, so that an app killed before the reply still counts the call's PIN, code or
     * SMS: save as the call goes out. Null only if the engine cannot save at all.
     */
    public fun snapshot(): ByteArray? =
        when (val done = attempt { go.snapshot() }) {
            is Attempt.Ok -> done.value
            is Attempt.Err -> if (done.reason.kind == ErrorKind.NOT_WAITING) null else throw fault(done.reason)
        }

    /**
     * Drives the run to its end: [advance], then [answerer] for each question. A refused answer
     * is asked again, with its reason. An answer to another prompt than the one asked is a bug
     * of the answerer: it throws [IllegalStateException].
     */
    public suspend fun run(answerer: suspend (Pending.Ask) -> Answer): Outcome {
        while (true) {
            when (val p = advance()) {
                is Pending.Ended -> return p.outcome
                is Pending.Ask -> {
                    val a = answerer(p)
                    val r = answer(a)
                    check(r !is AnswerResult.Refused || r.reason.kind != ErrorKind.WRONG_PROMPT) {
                        "the answerer answered ${a.prompt} at ${p.prompt}"
                    }
                }
                is Pending.Call -> throw EngineFaultException("advance returned a call", null)
            }
        }
    }

    /** Passes the engine's transitions on, without ever waiting. */
    private class Hub : Listener {
        val moves = MutableSharedFlow<Transition>(replay = REPLAYED, extraBufferCapacity = Int.MAX_VALUE - REPLAYED)

        override fun transition(from: String?, to: String?, event: String?) {
            unthrown {
                moves.tryEmit(Transition(State.fromWire(from ?: ""), State.fromWire(to ?: ""), Event.fromWire(event ?: "")))
            }
        }
    }
}

private val refusals = setOf(
    ErrorKind.INVALID_INPUT, ErrorKind.WRONG_PROMPT, ErrorKind.NOT_ALLOWED, ErrorKind.NOT_WAITING, ErrorKind.ENDED,
    ErrorKind.CODE_EXPIRED, ErrorKind.CODE_LOCKED, ErrorKind.RESEND_LIMIT,
)

private val late = setOf(ErrorKind.NO_CALL, ErrorKind.NOT_WAITING, ErrorKind.ENDED)

/**
 * Runs a listener or logger called from inside the engine. An exception must not cross into
 * the Go engine, which called it: it goes to the thread's uncaught-exception handler instead,
 * as any other would.
 */
private inline fun unthrown(block: () -> Unit) {
    try {
        block()
    } catch (e: Throwable) {
        val t = Thread.currentThread()
        val handler = t.uncaughtExceptionHandler ?: Thread.getDefaultUncaughtExceptionHandler()
        handler?.uncaughtException(t, e)
    }
}

/** Runs an enrollment ([EnrollConfig.flow] auto, full or shortcut) to its end. */
public suspend fun enroll(
    bridge: PimsBridge,
    config: EnrollConfig = EnrollConfig(),
    answerer: suspend (Pending.Ask) -> Answer,
): Outcome {
    if (config.flow.isOperation) {
        throw ConfigException(Reason(ErrorKind.CONFIG, "${config.flow.wire} is an account operation: use operate"))
    }
    return Enrollment.start(bridge, config).run(answerer)
}

/** Runs an account operation ([EnrollConfig.flow] reset_pin, update_pin...) to its end. */
public suspend fun operate(
    bridge: PimsBridge,
    config: EnrollConfig,
    answerer: suspend (Pending.Ask) -> Answer,
): Outcome {
    if (!config.flow.isOperation) {
        throw ConfigException(Reason(ErrorKind.CONFIG, "${config.flow.wire} is an enrollment flow: use enroll"))
    }
    return Enrollment.start(bridge, config).run(answerer)
}

internal inline fun pendingOf(p: com.enrollfsm.mobile.Pending, outcome: () -> com.enrollfsm.mobile.Outcome?): Pending {
    val state = State.fromWire(p.state)
    return when (p.kind) {
        Mobile.PendingCall -> {
            val params = LinkedHashMap<String, String>()
            for (i in 0L until p.paramCount()) params[p.paramKey(i)] = p.paramValue(i)
            Pending.Call(state, p.callID, p.step, Op.fromWire(p.op), p.api, params, p.delayMillis)
        }
        Mobile.PendingPrompt -> {
            val actions = LinkedHashSet<Action>()
            for (i in 0L until p.actionCount()) actions.add(Action.fromWire(p.action(i)))
            val r = p.reason
            Pending.Ask(
                state,
                Prompt.fromWire(p.prompt),
                actions,
                r?.toReason(),
                r?.attemptsLeft?.takeIf { it >= 0 },
                r?.resendsLeft?.takeIf { it >= 0 },
                p.sentTo.takeIf { it.isNotEmpty() },
            )
        }
        else -> {
            val o = outcome() ?: throw EngineFaultException("the run at ${p.state} has nothing pending and no outcome", null)
            Pending.Ended(outcomeOf(o))
        }
    }
}

internal fun outcomeOf(o: com.enrollfsm.mobile.Outcome): Outcome {
    val warnings = ArrayList<Reason>()
    for (i in 0L until o.warningCount()) o.warning(i)?.let { warnings.add(it.toReason()) }
    return when (State.fromWire(o.state)) {
        State.ENROLLED -> Outcome.Enrolled(warnings)
        State.DONE -> Outcome.Done(warnings)
        State.CANCELLED -> Outcome.Cancelled(warnings)
        else -> {
            val failure = Failure.fromWire(o.failure)
            val reason = o.error?.toReason() ?: Reason(ErrorKind.RUN_FAILED, o.failure, failure = failure)
            Outcome.Failed(failure, reason, warnings)
        }
    }
}
