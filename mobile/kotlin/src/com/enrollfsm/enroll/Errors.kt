package com.enrollfsm.enroll

import com.enrollfsm.mobile.EngineError
import com.enrollfsm.mobile.Mobile

/** A PIMS code as the backend sent it: the code, its label, its class in the catalogue. */
class PimsCode(val code: Int, val label: String, val codeClass: CodeClass?) {
    override fun toString(): String = "pims $code ($label)"
}

/**
 * Every error this layer throws, and a prompt's reason. [kind] is what went wrong;
 * [pims] the PIMS code behind it, whatever the kind; [step] the tutorial's step whose call
 * failed. No PIN or SMS code is ever in it.
 */
sealed class EnrollException(
    val kind: ErrorKind,
    message: String,
    val pims: PimsCode?,
    val step: String?
) : Exception(message) {
    /** The PIMS code, or null. */
    val code: Int? get() = pims?.code
}

/** A FAILED reply: [pims] is set. As a reason: a 2308 (wrong PIN or code), say. */
class PimsException(message: String, pims: PimsCode, step: String?) :
    EnrollException(ErrorKind.PIMS, message, pims, step)

/** The run ended failed; [failure] says why, [pims] the code that ended it, if any. */
class RunFailedException(message: String, val failure: Failure, pims: PimsCode?, step: String?) :
    EnrollException(ErrorKind.RUN_FAILED, message, pims, step)

/** A malformed answer, refused before any call; [field] is "PIN", "SMS code", "phone number" or "VIN". */
class InvalidInputException(message: String, val field: String) :
    EnrollException(ErrorKind.INVALID_INPUT, message, null, null)

/**
 * An answer or action the prompt did not take: [ErrorKind.WRONG_PROMPT], [ErrorKind.NOT_ALLOWED],
 * [ErrorKind.CODE_EXPIRED], [ErrorKind.CODE_LOCKED], [ErrorKind.RESEND_LIMIT] or, as a reason
 * only, [ErrorKind.ASKED_AGAIN] (a secret asked again after a restore).
 */
class AnswerRefusedException(kind: ErrorKind, message: String, pims: PimsCode?, step: String?) :
    EnrollException(kind, message, pims, step)

/**
 * No message came back from the SDK ([ErrorKind.BRIDGE], [ErrorKind.CANCELLED]) or one that
 * cannot be read ([ErrorKind.BAD_REPLY]).
 */
class CallFailedException(kind: ErrorKind, message: String, pims: PimsCode?, step: String?) :
    EnrollException(kind, message, pims, step)

/** Not now: [ErrorKind.NOT_WAITING] (a call is pending), [ErrorKind.NO_CALL], [ErrorKind.ENDED]. */
class WrongTimeException(kind: ErrorKind, message: String) :
    EnrollException(kind, message, null, null)

/** A setting the engine cannot use ([ErrorKind.CONFIG], [ErrorKind.SHORTCUT_UNSUPPORTED]). */
class ConfigException(kind: ErrorKind, message: String) :
    EnrollException(kind, message, null, null)

/** A snapshot that cannot be restored: damaged, changed, of another key or version. */
class SnapshotException(message: String) :
    EnrollException(ErrorKind.SNAPSHOT, message, null, null)

/** A bug: please report it. */
class InternalException(message: String, pims: PimsCode?) :
    EnrollException(ErrorKind.INTERNAL, message, pims, null)

/** Turns the bindings' error into this layer's exception. */
internal fun EngineError.toException(): EnrollException {
    val k = ErrorKind.fromWire(kind)
    val pims = if (code != 0) PimsCode(code, label, CodeClass.fromWire(codeClass)) else null
    val step = this.step.takeIf { it.isNotEmpty() }
    val message: String = this.message
    return when (k) {
        ErrorKind.PIMS ->
            if (pims != null) PimsException(message, pims, step) else InternalException(message, null)
        ErrorKind.RUN_FAILED -> RunFailedException(message, Failure.fromWire(failure), pims, step)
        ErrorKind.INVALID_INPUT -> InvalidInputException(message, field)
        ErrorKind.WRONG_PROMPT, ErrorKind.NOT_ALLOWED, ErrorKind.CODE_EXPIRED, ErrorKind.CODE_LOCKED,
        ErrorKind.RESEND_LIMIT, ErrorKind.ASKED_AGAIN -> AnswerRefusedException(k, message, pims, step)
        ErrorKind.BRIDGE, ErrorKind.CANCELLED, ErrorKind.BAD_REPLY -> CallFailedException(k, message, pims, step)
        ErrorKind.NOT_WAITING, ErrorKind.NO_CALL, ErrorKind.ENDED -> WrongTimeException(k, message)
        ErrorKind.CONFIG, ErrorKind.SHORTCUT_UNSUPPORTED -> ConfigException(k, message)
        ErrorKind.SNAPSHOT -> SnapshotException(message)
        ErrorKind.INTERNAL -> InternalException(message, pims)
    }
}

/**
 * Runs a call into the bindings, whose exceptions carry the error as JSON, and throws
 * this layer's exception instead.
 */
internal inline fun <T> bound(block: () -> T): T =
    try {
        block()
    } catch (e: EnrollException) {
        throw e
    } catch (e: Exception) {
        val parsed = Mobile.parseError(e.message ?: "")
        throw parsed?.toException() ?: InternalException(e.message ?: e.toString(), null)
    }
