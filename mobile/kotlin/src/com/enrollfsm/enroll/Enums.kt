package com.enrollfsm.enroll

// Each enum carries the engine's wire name; fromWire reads it back. A name
// the enum lacks means the .aar and this layer are of different versions.

/** The enrollment flows and the account operations. */
enum class Flow(val wire: String) {
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
    val isOperation: Boolean get() = this != AUTO && this != FULL && this != SHORTCUT

    companion object {
        fun fromWire(wire: String): Flow = values().firstOrNull { it.wire == wire } ?: throw unknown("flow", wire)
    }
}

enum class Platform(val wire: String) {
    ANDROID("android"),
    IOS("ios")
    ;

    companion object {
        fun fromWire(wire: String): Platform = values().firstOrNull { it.wire == wire } ?: throw unknown("platform", wire)
    }
}

/** What the engine asks the user. */
enum class Prompt(val wire: String) {
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
    val isSecret: Boolean get() = this != PHONE_NUMBER && this != CONFIRM_REMOVAL && this != RETRY

    companion object {
        fun fromWire(wire: String): Prompt = values().firstOrNull { it.wire == wire } ?: throw unknown("prompt", wire)
    }
}

/** Answers other than a value. */
enum class Action(val wire: String) {
    CANCEL("cancel"),
    RESEND("resend"),
    CHANGE_PHONE("change_phone"),
    FORGOT_PIN("forgot_pin"),
    RETRY("retry"),
    YES("yes"),
    NO("no")
    ;

    companion object {
        fun fromWire(wire: String): Action = values().firstOrNull { it.wire == wire } ?: throw unknown("action", wire)
    }
}

/** Every state of every flow. */
enum class State(val wire: String) {
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

    val isTerminal: Boolean get() = this == ENROLLED || this == DONE || this == FAILED || this == CANCELLED

    companion object {
        fun fromWire(wire: String): State = values().firstOrNull { it.wire == wire } ?: throw unknown("state", wire)
    }
}

/** Why a run failed. [PIMS] is a code that ended it: see [Outcome.Failed.code]. */
enum class Failure(val wire: String) {
    PIMS("pims"),
    BAD_REPLY("bad_reply"),
    TOO_MANY_ATTEMPTS("too_many_attempts"),
    ACCOUNT_LOCKED("account_locked"),
    NOT_ENROLLED("not_enrolled"),
    NO_PHONE_NUMBER("no_phone_number"),
    INTERNAL_ERROR("internal_error")
    ;

    companion object {
        /** Reads "pims:2312" as [PIMS] and the others by name. */
        fun fromWire(wire: String): Failure =
            if (wire.startsWith("pims:")) PIMS
            else values().firstOrNull { it.wire == wire } ?: throw unknown("failure", wire)
    }
}

/** What went wrong: [EnrollException.kind] and a prompt's reason. */
enum class ErrorKind(val wire: String) {
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
    INTERNAL("internal")
    ;

    companion object {
        /** An unknown kind reads as [INTERNAL]: an error must never fail to be reported. */
        fun fromWire(wire: String): ErrorKind = values().firstOrNull { it.wire == wire } ?: INTERNAL
    }
}

/** The class of a PIMS code in the catalogue. */
enum class CodeClass(val wire: String) {
    TRANSIENT("transient"),
    REJECTED("rejected"),
    BLOCKED("blocked"),
    FATAL("fatal"),
    SUCCEEDED_WITH_WARNING("succeeded_with_warning")
    ;

    companion object {
        fun fromWire(wire: String): CodeClass? = values().firstOrNull { it.wire == wire }
    }
}

internal fun unknown(what: String, wire: String): EnrollException =
    InternalException("unknown $what \"$wire\": the bindings and the Kotlin layer are of different versions", null)
