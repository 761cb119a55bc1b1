package com.enrollfsm.enroll

/** What the engine needs next: [Enrollment.pending] holds the current one. */
public sealed interface Pending {
    /** The current state. */
    public val state: State

    /**
     * A call to make with pims.get or pims.set, waiting [delayMillis] first (the backoff of a
     * retried read). [Enrollment.advance] makes it through the [PimsBridge]; an app sees it in
     * [Enrollment.pending] while it is made. [params] hold the real PIN and SMS code: give them
     * to the SDK and nowhere else. Printing a call shows the params' names, not their values.
     */
    public data class Call(
        override val state: State,
        val callId: Long,
        /** The tutorial's step: "1", "4a", "8", "A"... */
        val step: String,
        val op: Op,
        val api: String,
        val params: Map<String, String>,
        val delayMillis: Long,
    ) : Pending {
        override fun toString(): String =
            "Call(state=$state, callId=$callId, step=$step, op=$op, api=$api, params=${params.keys}, delayMillis=$delayMillis)"
    }

    /**
     * A question for the user: a value for [prompt], or one of [actions]. [reason] says why it
     * is asked again (null the first time); [attemptsLeft] is how many wrong answers it still
     * takes and [resendsLeft] how many new codes the run may still send, null where not counted.
     * [sentTo] is the masked number a code went to ("06••••••78").
     */
    public data class Ask(
        override val state: State,
        val prompt: Prompt,
        val actions: Set<Action>,
        val reason: Reason? = null,
        val attemptsLeft: Int? = null,
        val resendsLeft: Int? = null,
        val sentTo: String? = null,
    ) : Pending {
        public fun offers(action: Action): Boolean = action in actions

        /** The answer giving [value] to this prompt. */
        public fun answer(value: String): Answer = Answer.Value(prompt, value)

        /** The answer taking [action] at this prompt. */
        public fun act(action: Action): Answer = Answer.Act(prompt, action)
    }

    /** The run is over: [outcome] says how. */
    public data class Ended(val outcome: Outcome) : Pending {
        override val state: State get() = outcome.state
    }
}

/** The user's answer to a prompt. Printing one masks a secret value. */
public sealed interface Answer {
    public val prompt: Prompt

    public data class Value(override val prompt: Prompt, val value: String) : Answer {
        override fun toString(): String =
            "Value(prompt=$prompt, value=" + (if (prompt.isSecret) "•".repeat(value.length) else value) + ")"
    }

    public data class Act(override val prompt: Prompt, val action: Action) : Answer
}

/** What became of an answer: taken, or refused with the reason the prompt now shows. */
public sealed interface AnswerResult {
    /** The engine took it: [Enrollment.advance] makes the calls it leads to. */
    public data object Accepted : AnswerResult

    /**
     * Refused before any call, the run unchanged but for the prompt's reason: a malformed value
     * ([ErrorKind.INVALID_INPUT]), an action not offered, an expired or locked code, no resend
     * left, another prompt than the pending one (a stale screen), a call in flight, or a run
     * already over ([ErrorKind.ENDED]).
     */
    public data class Refused(val reason: Reason) : AnswerResult
}

/** What [Enrollment.restore] made of a snapshot. */
public sealed interface RestoreResult {
    public data class Restored(val enrollment: Enrollment) : RestoreResult

    /**
     * A snapshot that cannot be restored ([ErrorKind.SNAPSHOT]): damaged, changed, sealed with
     * another key or none, or of another version; or, given the latest place, one behind it or
     * of another run ([ErrorKind.STALE_SNAPSHOT]). Start a new run.
     */
    public data class Refused(val reason: Reason) : RestoreResult
}

/**
 * Why something happened, as data: why a prompt is asked again ([Pending.Ask.reason]), why an
 * answer was refused, why a run failed, a warning. [kind] is what went wrong; [pims] the PIMS
 * code behind it, whatever the kind; [step] the tutorial's step whose call failed; [field] the
 * input refused ("PIN", "SMS code", "phone number", "VIN"); [failure] why the run failed. No PIN
 * or SMS code is ever in it.
 */
public data class Reason(
    val kind: ErrorKind,
    val message: String,
    val pims: PimsCode? = null,
    val step: String? = null,
    val field: String? = null,
    val failure: Failure? = null,
) {
    /** The PIMS code, or null. */
    val code: Int? get() = pims?.code
}

/** A PIMS code as the backend sent it: the code, its label, its class in the catalogue. */
public data class PimsCode(val code: Int, val label: String, val codeClass: CodeClass?)

/** How a run ended. [warnings] are the 2316s of steps that counted as done. */
public sealed interface Outcome {
    public val state: State
    public val warnings: List<Reason>

    /** Enrolled or done. */
    public val ok: Boolean get() = this is Enrolled || this is Done

    /** The device is enrolled. */
    public data class Enrolled(override val warnings: List<Reason> = emptyList()) : Outcome {
        override val state: State get() = State.ENROLLED
    }

    /** The account operation is done. */
    public data class Done(override val warnings: List<Reason> = emptyList()) : Outcome {
        override val state: State get() = State.DONE
    }

    /** The run failed: [failure] says why, [reason] carries the PIMS code behind it, if any. */
    public data class Failed(
        val failure: Failure,
        val reason: Reason,
        override val warnings: List<Reason> = emptyList(),
    ) : Outcome {
        override val state: State get() = State.FAILED

        /** The PIMS code that ended the run, or null. */
        val code: Int? get() = reason.code
    }

    /** The run was cancelled, by the user or by [Enrollment.cancel]. */
    public data class Cancelled(override val warnings: List<Reason> = emptyList()) : Outcome {
        override val state: State get() = State.CANCELLED
    }
}

/** One move of the machine. */
public data class Transition(val from: State, val to: State, val event: Event)

/** A run's counts so far; they never go down, across a restore too. */
public data class Counters(
    val wrongCodes: Int,
    val wrongPins: Int,
    val resends: Int,
    val removals: Int,
    val calls: Int,
)

/** The engine's log: one record per transition (level "DEBUG") and per call ("INFO"), attrs a JSON object, no secret. */
public fun interface EnrollLogger {
    public fun log(level: String, message: String, attrs: String)
}

/**
 * A run's settings. [snapshotKey] (at least 16 bytes) seals snapshots; [Enrollment.restore]
 * then needs the same key. [logger] is called while the engine is locked: return quickly, never
 * call the enrollment from it. Printing a config never shows the key.
 */
public class EnrollConfig @JvmOverloads constructor(
    public val flow: EnrollmentFlow = EnrollmentFlow.AUTO,
    public val platform: Platform = Platform.ANDROID,
    public val sdkVersion: String = "2.1.0",
    public val autoRemove: Boolean = false,
    public val vin: String? = null,
    public val snapshotKey: ByteArray? = null,
    public val logger: EnrollLogger? = null,
) {
    override fun toString(): String =
        "EnrollConfig(flow=$flow, platform=$platform, sdkVersion=$sdkVersion, autoRemove=$autoRemove, vin=$vin, " +
            "snapshotKey=${if (snapshotKey == null) "none" else "${snapshotKey.size} bytes"})"
}
