package com.enrollfsm.enroll

import com.enrollfsm.mobile.EngineError
import com.enrollfsm.mobile.Mobile

// What a run meets (a refused answer, a wrong PIN, a failed call, a damaged snapshot) is data:
// a Reason in a result, a prompt or an outcome. Only misuse and faults of the bindings throw.

/**
 * A setting the engine cannot use ([ErrorKind.CONFIG], [ErrorKind.SHORTCUT_UNSUPPORTED]): a
 * short snapshot key, a malformed SDK version or VIN, an account operation given to [enroll].
 */
public class ConfigException(public val reason: Reason) : IllegalArgumentException(reason.message)

/**
 * The bindings failed in a way no run explains: a bug of the engine ([ErrorKind.INTERNAL]), or
 * an `.aar` and a Kotlin layer of different versions. Please report it.
 */
public class EngineFaultException(message: String, public val reason: Reason?) : IllegalStateException(message)

/** The bindings' error as data. */
internal fun EngineError.toReason(): Reason {
    val failure = this.failure.takeIf { it.isNotEmpty() }?.let { Failure.fromWire(it) }
    return Reason(
        kind = ErrorKind.fromWire(kind),
        message = message,
        pims = if (code != 0) PimsCode(code, label, CodeClass.fromWire(codeClass)) else null,
        step = step.takeIf { it.isNotEmpty() },
        field = field.takeIf { it.isNotEmpty() },
        failure = failure,
    )
}

/** The error a call into the bindings failed with: gobind's exceptions carry it as JSON. */
internal fun reasonOf(e: Exception): Reason {
    val parsed = Mobile.parseError(e.message ?: "")
        ?: throw EngineFaultException("the bindings threw what is not an engine error: $e", null)
    return parsed.toReason()
}

/** Runs a call into the bindings; an error it returns comes back as its [Reason]. */
internal inline fun <T> attempt(block: () -> T): Attempt<T> =
    try {
        Attempt.Ok(block())
    } catch (e: EngineFaultException) {
        throw e
    } catch (e: Exception) {
        Attempt.Err(reasonOf(e))
    }

internal sealed interface Attempt<out T> {
    class Ok<T>(val value: T) : Attempt<T>

    class Err(val reason: Reason) : Attempt<Nothing>
}

/** The fault for a reason no caller expects here. */
internal fun fault(reason: Reason): EngineFaultException =
    EngineFaultException("the engine refused unexpectedly: ${reason.message}", reason)
