package com.enrollfsm.enroll

import com.enrollfsm.mobile.Config
import com.enrollfsm.mobile.Engine
import com.enrollfsm.mobile.Listener
import com.enrollfsm.mobile.Logger
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.coroutines.coroutineContext
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * One enrollment or account operation, driven with suspend functions: [advance] makes the
 * pending calls through the [PimsBridge] until the user is asked something or the run ends;
 * [answer] and [act] answer; [run] does it all with a suspending answerer.
 *
 * Cancelling the coroutine of [advance] or [run] during a call abandons the call and leaves the
 * run at the retry prompt ([Prompt.RETRY], reason [ErrorKind.BRIDGE]): it can be saved with
 * [snapshot] and resumed later, and the retry checks what an abandoned enrollment call did.
 * [cancel] instead ends the run.
 *
 * Every method but [advance] and [run] returns at once and may be called from any thread, the
 * main one included. Transition listeners are called on the thread that moved the engine,
 * while it is locked: they must return quickly and must not call the enrollment.
 */
class Enrollment private constructor(private val go: Engine, private val bridge: PimsBridge, private val hub: Hub) {
    private val advancing = Mutex()
    @Volatile private var inFlight: Deferred<Map<String, Any?>>? = null

    companion object {
        /** Starts a run with [config]: its first call is pending. */
        fun start(bridge: PimsBridge, config: EnrollConfig = EnrollConfig()): Enrollment {
            val hub = Hub()
            config.onTransition?.let { hub.listeners.add(it) }
            val c = Config()
            c.flow = config.flow.wire
            c.platform = config.platform.wire
            c.sdkVersion = config.sdkVersion
            c.autoRemove = config.autoRemove
            c.vin = config.vin ?: ""
            c.snapshotKey = config.snapshotKey
            config.logger?.let { c.logger = logger(it) }
            c.listener = hub
            return Enrollment(bound { c.start() }, bridge, hub)
        }

        /**
         * Resumes a run saved by [snapshot], with its settings. A sealed snapshot needs its
         * [snapshotKey]; given a key, an unsealed or changed snapshot is refused with a
         * [SnapshotException]. The restored run asks again for a PIN or code its next call needs
         * (reason [ErrorKind.ASKED_AGAIN]).
         */
        fun restore(
            bridge: PimsBridge,
            snapshot: ByteArray,
            snapshotKey: ByteArray? = null,
            logger: EnrollLogger? = null,
            onTransition: ((Transition) -> Unit)? = null
        ): Enrollment {
            val hub = Hub()
            onTransition?.let { hub.listeners.add(it) }
            val c = Config()
            c.snapshotKey = snapshotKey
            logger?.let { c.logger = logger(it) }
            c.listener = hub
            return Enrollment(bound { c.restore(snapshot) }, bridge, hub)
        }

        private fun logger(sink: EnrollLogger): Logger = object : Logger {
            override fun log(level: String?, message: String?, attrs: String?) =
                unthrown { sink(level ?: "", message ?: "", attrs ?: "{}") }
        }
    }

    /** The current state. */
    val state: State get() = State.fromWire(go.state())

    /** The flow being run, auto resolved to full or shortcut. */
    val flow: Flow get() = Flow.fromWire(go.settings().flow)

    /** How the run ended, or null while it goes on. */
    val outcome: Outcome? get() = go.outcome()?.let { outcomeOf(it) }

    val counters: Counters
        get() = go.counters().let {
            Counters(it.wrongCodes.toInt(), it.wrongPINs.toInt(), it.resends.toInt(), it.removals.toInt(), it.calls.toInt())
        }

    /** What is pending now, a call included. Never blocks. */
    fun next(): Pending = pendingOf(go.next()) { go.outcome() }

    /** Tells [listener] of every transition from now on; [EnrollConfig.onTransition] sees the first one too. */
    fun addTransitionListener(listener: (Transition) -> Unit) {
        hub.listeners.add(listener)
    }

    fun removeTransitionListener(listener: (Transition) -> Unit) {
        hub.listeners.remove(listener)
    }

    /**
     * Makes the pending calls until the user is asked something ([Pending.Ask]) or the run
     * ends ([Pending.Done]). A failed call is not an exception: it shows in what is returned.
     * Two advances at once take turns.
     */
    suspend fun advance(): Pending = advancing.withLock { callUntilAsked() }

    private suspend fun callUntilAsked(): Pending {
        var p = next()
        while (p is Pending.Call) {
            call(p)
            p = next()
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
            if (!coroutineContext.isActive) throw e
            return // cancel(), or the bridge's own cancellation (a timeout): next() says what follows
        } catch (e: Exception) {
            settle { go.deliverError(call.callId, e.message ?: e.toString()) }
            return
        }
        settle { go.deliver(call.callId, Json.encode(message).toByteArray(Charsets.UTF_8)) }
    }

    // A reply that comes after cancel() is refused: the run is over, as next() shows.
    private inline fun settle(block: () -> Unit) {
        try {
            bound(block)
        } catch (e: WrongTimeException) {
        }
    }

    /** Gives [value] to the pending [prompt]. A refused value throws, and becomes the prompt's reason. */
    fun answer(prompt: Prompt, value: String) {
        bound { go.answer(prompt.wire, value) }
    }

    /** Takes [action] at the pending [prompt]. */
    fun act(prompt: Prompt, action: Action) {
        bound { go.act(prompt.wire, action.wire) }
    }

    fun answer(answer: Answer) {
        when (answer) {
            is Answer.Value -> answer(answer.prompt, answer.value)
            is Answer.Act -> act(answer.prompt, answer.action)
        }
    }

    /**
     * Ends the run: once it returns, [state] is [State.CANCELLED]. A call in flight is
     * abandoned, and [advance] returns [Pending.Done]. Throws [WrongTimeException] with
     * [ErrorKind.ENDED] if the run was over.
     */
    fun cancel() {
        bound { go.cancel() }
        inFlight?.cancel()
    }

    /**
     * Saves the run, at a prompt or once ended: small UTF-8 JSON without any PIN or SMS code,
     * sealed if the run has a snapshot key. During a call it throws [WrongTimeException] with
     * [ErrorKind.NOT_WAITING].
     */
    fun snapshot(): ByteArray = bound { go.snapshot() }

    /**
     * Drives the run to its end: [advance], then [answerer] for each question. A refused answer
     * is not an exception: the prompt is asked again with its reason. An answer to another
     * prompt than the one asked throws [AnswerRefusedException] ([ErrorKind.WRONG_PROMPT]).
     */
    suspend fun run(answerer: suspend (Pending.Ask) -> Answer): Outcome {
        while (true) {
            val p = advance()
            when (p) {
                is Pending.Done -> return p.outcome
                is Pending.Ask -> {
                    val a = answerer(p)
                    try {
                        answer(a)
                    } catch (e: InvalidInputException) {
                    } catch (e: AnswerRefusedException) {
                        if (e.kind == ErrorKind.WRONG_PROMPT) throw e
                    } catch (e: PimsException) {
                    }
                }
                is Pending.Call -> throw InternalException("advance returned a call", null)
            }
        }
    }

    /** Dispatches the engine's transitions to the listeners. */
    private class Hub : Listener {
        val listeners = CopyOnWriteArrayList<(Transition) -> Unit>()

        override fun transition(from: String?, to: String?, event: String?) {
            if (listeners.isEmpty()) return
            unthrown {
                val t = Transition(State.fromWire(from ?: ""), State.fromWire(to ?: ""), event ?: "")
                for (l in listeners) l(t)
            }
        }
    }
}

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
suspend fun enroll(
    bridge: PimsBridge,
    config: EnrollConfig = EnrollConfig(),
    answerer: suspend (Pending.Ask) -> Answer
): Outcome {
    if (config.flow.isOperation) throw ConfigException(ErrorKind.CONFIG, "${config.flow.wire} is an account operation: use operate")
    return Enrollment.start(bridge, config).run(answerer)
}

/** Runs an account operation ([EnrollConfig.flow] reset_pin, update_pin...) to its end. */
suspend fun operate(
    bridge: PimsBridge,
    config: EnrollConfig,
    answerer: suspend (Pending.Ask) -> Answer
): Outcome {
    if (!config.flow.isOperation) throw ConfigException(ErrorKind.CONFIG, "${config.flow.wire} is an enrollment flow: use enroll")
    return Enrollment.start(bridge, config).run(answerer)
}

internal inline fun pendingOf(p: com.enrollfsm.mobile.Pending, outcome: () -> com.enrollfsm.mobile.Outcome?): Pending {
    val state = State.fromWire(p.state)
    return when (p.kind) {
        com.enrollfsm.mobile.Mobile.PendingCall -> {
            val params = LinkedHashMap<String, String>()
            for (i in 0L until p.paramCount()) params[p.paramKey(i)] = p.paramValue(i)
            Pending.Call(state, p.callID, p.step, Op.fromWire(p.op), p.api, params, p.delayMillis, p.toString())
        }
        com.enrollfsm.mobile.Mobile.PendingPrompt -> {
            val actions = LinkedHashSet<Action>()
            for (i in 0L until p.actionCount()) actions.add(Action.fromWire(p.action(i)))
            val r = p.reason
            Pending.Ask(
                state,
                Prompt.fromWire(p.prompt),
                actions,
                r?.toException(),
                r?.attemptsLeft?.takeIf { it >= 0 },
                r?.resendsLeft?.takeIf { it >= 0 },
                p.sentTo.takeIf { it.isNotEmpty() }
            )
        }
        else -> {
            val o = outcome() ?: throw InternalException("the run at ${p.state} has nothing pending and no outcome", null)
            Pending.Done(state, outcomeOf(o))
        }
    }
}

internal fun outcomeOf(o: com.enrollfsm.mobile.Outcome): Outcome {
    val warnings = ArrayList<EnrollException>()
    for (i in 0L until o.warningCount()) o.warning(i)?.let { warnings.add(it.toException()) }
    return when (State.fromWire(o.state)) {
        State.ENROLLED -> Outcome.Enrolled(warnings)
        State.DONE -> Outcome.Done(warnings)
        State.CANCELLED -> Outcome.Cancelled(warnings)
        else -> {
            val failure = Failure.fromWire(o.failure)
            val error = o.error?.toException() as? RunFailedException
                ?: RunFailedException(o.failure, failure, null, null)
            Outcome.Failed(failure, error, warnings)
        }
    }
}
