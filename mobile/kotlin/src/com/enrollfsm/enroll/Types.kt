package com.enrollfsm.enroll

/** How a call reaches PIMS: pims.get or pims.set. */
enum class Op(val wire: String) {
    GET("get"),
    SET("set")
    ;

    companion object {
        fun fromWire(wire: String): Op = values().firstOrNull { it.wire == wire } ?: throw unknown("op", wire)
    }
}

/** What the engine needs next. */
sealed class Pending {
    /** The current state. */
    abstract val state: State

    /**
     * A call to make with pims.get or pims.set, waiting [delayMillis] first (the backoff of a
     * retried read). [Enrollment.advance] makes it through the [PimsBridge]; an app sees it only
     * from [Enrollment.next]. [params] hold the real PIN and SMS code: give them to the SDK and
     * nowhere else. Printing a call masks them.
     */
    class Call internal constructor(
        override val state: State,
        val callId: Long,
        /** The tutorial's step: "1", "4a", "8", "A"... */
        val step: String,
        val op: Op,
        val api: String,
        val params: Map<String, String>,
        val delayMillis: Long,
        private val masked: String
    ) : Pending() {
        override fun toString(): String = masked
    }

    /**
     * A question for the user: a value for [prompt], or one of [actions]. [reason] says why it
     * is asked again (null the first time); [attemptsLeft] is how many wrong answers it still
     * takes and [resendsLeft] how many new codes the run may still send, null where not counted.
     * [sentTo] is the masked number a code went to ("06••••••78").
     */
    class Ask internal constructor(
        override val state: State,
        val prompt: Prompt,
        val actions: Set<Action>,
        val reason: EnrollException?,
        val attemptsLeft: Int?,
        val resendsLeft: Int?,
        val sentTo: String?
    ) : Pending() {
        fun offers(action: Action): Boolean = action in actions

        /** The answer giving [value] to this prompt. */
        fun answer(value: String): Answer = Answer.Value(prompt, value)

        /** The answer taking [action] at this prompt. */
        fun act(action: Action): Answer = Answer.Act(prompt, action)

        override fun toString(): String =
            "ask ${prompt.wire} ${actions.map { it.wire }}" + (reason?.let { " (${it.message})" } ?: "")
    }

    /** The run is over. */
    class Done internal constructor(override val state: State, val outcome: Outcome) : Pending() {
        override fun toString(): String = "done $outcome"
    }
}

/** The user's answer to a prompt. Printing one masks a secret value. */
sealed class Answer {
    abstract val prompt: Prompt

    class Value(override val prompt: Prompt, val value: String) : Answer() {
        override fun toString(): String =
            "${prompt.wire}=" + if (prompt.isSecret) "•".repeat(value.length) else value
    }

    class Act(override val prompt: Prompt, val action: Action) : Answer() {
        override fun toString(): String = "${prompt.wire}:${action.wire}"
    }
}

/** How a run ended. [warnings] are the 2316s of steps that counted as done. */
sealed class Outcome {
    abstract val state: State
    abstract val warnings: List<EnrollException>

    /** Enrolled or done. */
    val ok: Boolean get() = this is Enrolled || this is Done

    /** The device is enrolled. */
    class Enrolled internal constructor(override val warnings: List<EnrollException>) : Outcome() {
        override val state: State get() = State.ENROLLED
    }

    /** The account operation is done. */
    class Done internal constructor(override val warnings: List<EnrollException>) : Outcome() {
        override val state: State get() = State.DONE
    }

    /** The run failed: [failure] says why, [error] carries the PIMS code behind it, if any. */
    class Failed internal constructor(
        val failure: Failure,
        val error: RunFailedException,
        override val warnings: List<EnrollException>
    ) : Outcome() {
        override val state: State get() = State.FAILED

        /** The PIMS code that ended the run, or null. */
        val code: Int? get() = error.code
    }

    /** The run was cancelled, by the user or by [Enrollment.cancel]. */
    class Cancelled internal constructor(override val warnings: List<EnrollException>) : Outcome() {
        override val state: State get() = State.CANCELLED
    }

    override fun toString(): String = state.wire + if (this is Failed) " (${error.message})" else ""
}

/** One move of the machine. */
data class Transition(val from: State, val to: State, val event: String)

/** A run's counts so far; they never go down, across a restore too. */
class Counters internal constructor(
    val wrongCodes: Int,
    val wrongPins: Int,
    val resends: Int,
    val removals: Int,
    val calls: Int
)

/** The engine's log: one record per transition (level "DEBUG") and per call ("INFO"), attrs a JSON object, no secret. */
typealias EnrollLogger = (level: String, message: String, attrs: String) -> Unit

/**
 * A run's settings. [snapshotKey] (at least 16 bytes) seals snapshots; [Enrollment.restore]
 * then needs the same key. [onTransition] is told of every transition from the first one
 * (start → checking_enrollment, made at [Enrollment.start]). It and [logger] are called while
 * the engine is locked: return quickly, never call the enrollment from them.
 */
class EnrollConfig(
    val flow: Flow = Flow.AUTO,
    val platform: Platform = Platform.ANDROID,
    val sdkVersion: String = "2.1.0",
    val autoRemove: Boolean = false,
    val vin: String? = null,
    val snapshotKey: ByteArray? = null,
    val logger: EnrollLogger? = null,
    val onTransition: ((Transition) -> Unit)? = null
)
