package com.enrollfsm.enroll

// Each enum carries the engine's wire name; fromWire reads it back. A name
// the enum lacks means the .aar and this layer are of different versions.

/**
 * The enrollment flows and the account operations. Not named Flow, which is
 * kotlinx.coroutines.flow.Flow.
 */
public enum class EnrollmentFlow(public val wire: String) {
    AUTO("auto"),
    FULL("full"),
    SHORTCUT("shortcut"),
    REMOVE_ENROLLMENTS("remove_enrollments"),
    RESET_PIN("reset_pin"),
    UPDATE_PIN("update_pin"),
    MODIFY_PHONE("modify_phone"),
    REMOVE_VEHICLE("remove_vehicle")
    ;

    /** True for the account operations, false for the enrollment flows. */
    public val isOperation: Boolean get() = this != AUTO && this != FULL && this != SHORTCUT

    public companion object {
        @JvmStatic
        public fun fromWire(wire: String): EnrollmentFlow = entries.firstOrNull { it.wire == wire } ?: throw unknown("flow", wire)
    }
}

public enum class Platform(public val wire: String) {
    ANDROID("android"),
    IOS("ios")
    ;

    public companion object {
        @JvmStatic
        public fun fromWire(wire: String): Platform = entries.firstOrNull { it.wire == wire } ?: throw unknown("platform", wire)
    }
}

/** What the engine asks the user. */
public enum class Prompt(public val wire: String) {
    PHONE_NUMBER("phone_number"),
    CERTIFICATION_CODE("certification_code"),
    ENROLLMENT_CODE("enrollment_code"),
    PIN("pin"),
    NEW_PIN("new_pin"),
    OLD_PIN("old_pin"),
    /** Takes [Action.YES] or [Action.NO]: remove every enrollment of a blocked account. */
    CONFIRM_REMOVAL("confirm_removal"),
    /** Takes [Action.RETRY]: a call was interrupted. */
    RETRY("retry")
    ;

    /** True where the value is a secret: mask the field, never log it. */
    public val isSecret: Boolean get() = this != PHONE_NUMBER && this != CONFIRM_REMOVAL && this != RETRY

    public companion object {
        @JvmStatic
        public fun fromWire(wire: String): Prompt = entries.firstOrNull { it.wire == wire } ?: throw unknown("prompt", wire)
    }
}

/** Answers other than a value. */
public enum class Action(public val wire: String) {
    CANCEL("cancel"),
    RESEND("resend"),
    CHANGE_PHONE("change_phone"),
    FORGOT_PIN("forgot_pin"),
    RETRY("retry"),
    YES("yes"),
    NO("no")
    ;

    public companion object {
        @JvmStatic
        public fun fromWire(wire: String): Action = entries.firstOrNull { it.wire == wire } ?: throw unknown("action", wire)
    }
}

/** Every state of every flow. */
public enum class State(public val wire: String) {
    START("start"),
    CHECKING_ENROLLMENT("checking_enrollment"),
    CHECKING_ACCOUNT("checking_account"),
    CONFIRMING_REMOVAL("confirming_removal"),
    REMOVING_ENROLLMENTS("removing_enrollments"),
    CHECKING_PHONE("checking_phone"),
    AWAITING_PHONE_NUMBER("awaiting_phone_number"),
    REQUESTING_CERTIFICATION_SMS("requesting_certification_sms"),
    AWAITING_CERTIFICATION_CODE("awaiting_certification_code"),
    AWAITING_SHORTCUT_PIN("awaiting_shortcut_pin"),
    ENROLLING_WITH_PHONE_NUMBER("enrolling_with_phone_number"),
    ADDING_PHONE_NUMBER("adding_phone_number"),
    REQUESTING_ENROLLMENT_SMS("requesting_enrollment_sms"),
    AWAITING_ENROLLMENT_CODE("awaiting_enrollment_code"),
    CHECKING_PIN("checking_pin"),
    AWAITING_PIN("awaiting_pin"),
    AWAITING_NEW_PIN("awaiting_new_pin"),
    REGISTERING_PIN("registering_pin"),
    ENROLLING_DEVICE("enrolling_device"),
    AWAITING_RESET_PIN("awaiting_reset_pin"),
    RESETTING_PIN("resetting_pin"),
    AWAITING_OLD_PIN("awaiting_old_pin"),
    UPDATING_PIN("updating_pin"),
    MODIFYING_PHONE_NUMBER("modifying_phone_number"),
    REMOVING_VEHICLE("removing_vehicle"),
    INTERRUPTED("interrupted"),
    VERIFYING_ENROLLMENT("verifying_enrollment"),
    ENROLLED("enrolled"),
    DONE("done"),
    FAILED("failed"),
    CANCELLED("cancelled")
    ;

    public val isTerminal: Boolean get() = this == ENROLLED || this == DONE || this == FAILED || this == CANCELLED

    public companion object {
        @JvmStatic
        public fun fromWire(wire: String): State = entries.firstOrNull { it.wire == wire } ?: throw unknown("state", wire)
    }
}

/** Why a run failed. [PIMS] is a code that ended it: see [Outcome.Failed.code]. */
public enum class Failure(public val wire: String) {
    PIMS("pims"),
    BAD_REPLY("bad_reply"),
    TOO_MANY_ATTEMPTS("too_many_attempts"),
    ACCOUNT_LOCKED("account_locked"),
    NOT_ENROLLED("not_enrolled"),
    NO_PHONE_NUMBER("no_phone_number"),
    INTERNAL_ERROR("internal_error")
    ;

    public companion object {
        /** Reads "pims:2312" as [PIMS] and the others by name. */
        @JvmStatic
        public fun fromWire(wire: String): Failure =
            if (wire.startsWith("pims:")) PIMS
            else entries.firstOrNull { it.wire == wire } ?: throw unknown("failure", wire)
    }
}

/** What went wrong: [Reason.kind]. */
public enum class ErrorKind(public val wire: String) {
    PIMS("pims"),
    BAD_REPLY("bad_reply"),
    BRIDGE("bridge"),
    CANCELLED("cancelled"),
    RUN_FAILED("run_failed"),
    INVALID_INPUT("invalid_input"),
    WRONG_PROMPT("wrong_prompt"),
    NOT_ALLOWED("not_allowed"),
    NOT_WAITING("not_waiting"),
    NO_CALL("no_call"),
    ENDED("ended"),
    CODE_EXPIRED("code_expired"),
    CODE_LOCKED("code_locked"),
    RESEND_LIMIT("resend_limit"),
    SHORTCUT_UNSUPPORTED("shortcut_unsupported"),
    CONFIG("config"),
    ASKED_AGAIN("asked_again"),
    SNAPSHOT("snapshot"),
    STALE_SNAPSHOT("stale_snapshot"),
    REPLY_LOST("reply_lost"),
    INTERNAL("internal")
    ;

    public companion object {
        /** An unknown kind reads as [INTERNAL]: an error must never fail to be reported. */
        @JvmStatic
        public fun fromWire(wire: String): ErrorKind = entries.firstOrNull { it.wire == wire } ?: INTERNAL
    }
}

/** The class of a PIMS code in the catalogue. */
public enum class CodeClass(public val wire: String) {
    TRANSIENT("transient"),
    REJECTED("rejected"),
    BLOCKED("blocked"),
    FATAL("fatal"),
    SUCCEEDED_WITH_WARNING("succeeded_with_warning")
    ;

    public companion object {
        @JvmStatic
        public fun fromWire(wire: String): CodeClass? = entries.firstOrNull { it.wire == wire }
    }
}

/** How a call reaches PIMS: pims.get or pims.set. */
public enum class Op(public val wire: String) {
    GET("get"),
    SET("set")
    ;

    public companion object {
        @JvmStatic
        public fun fromWire(wire: String): Op = entries.firstOrNull { it.wire == wire } ?: throw unknown("op", wire)
    }
}

/**
 * What moved the machine: a call's outcome or the user's answer. [RETRY] and [RESUME] go back to
 * a state, the transition's [Transition.to]: the engine names them retry_<state> and
 * resume_<state>, their [wire] is that prefix.
 */
public enum class Event(public val wire: String) {
    BEGIN("begin"),
    DEVICE_ACTIVATED("device_activated"),
    DEVICE_NOT_ACTIVATED("device_not_activated"),
    ACCOUNT_NOT_BLOCKED("account_not_blocked"),
    REMOVAL_REQUIRED("removal_required"),
    REMOVAL_AUTHORISED("removal_authorised"),
    ENROLLMENTS_REMOVED("enrollments_removed"),
    PHONE_PRESENT("phone_present"),
    PHONE_ABSENT("phone_absent"),
    CERTIFICATION_SMS_SENT("certification_sms_sent"),
    DEVICE_ENROLLED("device_enrolled"),
    DEVICE_MAYBE_ENROLLED("device_maybe_enrolled"),
    PHONE_NUMBER_ADDED("phone_number_added"),
    ENROLLMENT_SMS_SENT("enrollment_sms_sent"),
    PIN_EXISTS("pin_exists"),
    PIN_MISSING("pin_missing"),
    PIN_REGISTERED("pin_registered"),
    PIN_RESET("pin_reset"),
    PIN_UPDATED("pin_updated"),
    PHONE_NUMBER_MODIFIED("phone_number_modified"),
    VEHICLE_REMOVED("vehicle_removed"),
    INPUT_REJECTED("input_rejected"),
    READ_RETRIED("read_retried"),
    CALL_INTERRUPTED("call_interrupted"),
    CALL_FAILED("call_failed"),
    PHONE_NUMBER_GIVEN("phone_number_given"),
    CERTIFICATION_CODE_GIVEN("certification_code_given"),
    ENROLLMENT_CODE_GIVEN("enrollment_code_given"),
    PIN_GIVEN("pin_given"),
    NEW_PIN_GIVEN("new_pin_given"),
    OLD_PIN_GIVEN("old_pin_given"),
    REMOVAL_CONFIRMED("removal_confirmed"),
    REMOVAL_DECLINED("removal_declined"),
    RESEND_REQUESTED("resend_requested"),
    PHONE_CHANGE_REQUESTED("phone_change_requested"),
    PIN_FORGOTTEN("pin_forgotten"),
    CANCEL_REQUESTED("cancel_requested"),
    VERIFY_REQUESTED("verify_requested"),
    /** A restored run's answer whose reply never came, counted as wrong before it is asked again. */
    ANSWER_LOST("answer_lost"),
    /** A restored run whose lost answers used up the last attempt. */
    ATTEMPTS_EXHAUSTED("attempts_exhausted"),
    /** A retried call or answer: retry_<state>. */
    RETRY("retry_"),
    /** A restored run taking up where it was saved: resume_<state>. */
    RESUME("resume_"),
    /** A restored run going back to the prompt of a call it cannot repeat: answers_lost_<call>. */
    ANSWERS_LOST("answers_lost_")
    ;

    public companion object {
        @JvmStatic
        public fun fromWire(wire: String): Event =
            when {
                wire.startsWith(RETRY.wire) -> RETRY
                wire.startsWith(RESUME.wire) -> RESUME
                wire.startsWith(ANSWERS_LOST.wire) -> ANSWERS_LOST
                else -> entries.firstOrNull { it.wire == wire } ?: throw unknown("event", wire)
            }
    }
}

internal fun unknown(what: String, wire: String): EngineFaultException =
    EngineFaultException("unknown $what \"$wire\": the bindings and the Kotlin layer are of different versions", null)
