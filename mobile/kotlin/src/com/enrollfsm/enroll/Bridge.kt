package com.enrollfsm.enroll

import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.resume
import kotlinx.coroutines.suspendCancellableCoroutine

/**
 * The PIMS facade as suspending functions: each returns the message dictionary of the SDK's
 * callback ({"transactionId", "status", "result", "error": {"code", "label"}}). A FAILED message
 * is a reply, not an exception: throw only when no message came back. [Enrollment] calls these
 * on its caller's dispatcher, and cancels them when its coroutine is cancelled.
 */
public interface PimsBridge {
    public suspend fun get(api: String, params: Map<String, String>): Map<String, Any?>
    public suspend fun set(api: String, params: Map<String, String>): Map<String, Any?>
}

/** The SDK's callback: the message dictionary it calls back with. */
public fun interface PimsReply {
    public fun reply(message: Map<String, Any?>)
}

/**
 * The SDK's facade as the tutorial calls it, pims.get(api, params) { message -> ... }: to
 * implement in Kotlin or Java, for [CallbackPimsBridge].
 */
public interface PimsCallbacks {
    public fun get(api: String, params: Map<String, String>, callback: PimsReply)

    public fun set(api: String, params: Map<String, String>, callback: PimsReply)
}

/**
 * A [PimsBridge] over the SDK's callbacks: each call suspends until its callback comes. If the
 * coroutine is cancelled first, the callback that comes later is ignored (the SDK cannot be told
 * to stop), and so is a second callback.
 */
public class CallbackPimsBridge(private val pims: PimsCallbacks) : PimsBridge {
    override suspend fun get(api: String, params: Map<String, String>): Map<String, Any?> =
        suspendCancellableCoroutine { cont ->
            val once = AtomicBoolean()
            pims.get(api, params) { message -> if (once.compareAndSet(false, true)) cont.resume(message) }
        }

    override suspend fun set(api: String, params: Map<String, String>): Map<String, Any?> =
        suspendCancellableCoroutine { cont ->
            val once = AtomicBoolean()
            pims.set(api, params) { message -> if (once.compareAndSet(false, true)) cont.resume(message) }
        }
}
