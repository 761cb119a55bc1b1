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
interface PimsBridge {
    suspend fun get(api: String, params: Map<String, String>): Map<String, Any?>
    suspend fun set(api: String, params: Map<String, String>): Map<String, Any?>
}

/** The SDK's facade as the tutorial calls it: pims.get(api, params) { message -> ... }. */
interface PimsCallbacks {
    fun get(api: String, params: Map<String, String>, callback: (Map<String, Any?>) -> Unit)
    fun set(api: String, params: Map<String, String>, callback: (Map<String, Any?>) -> Unit)
}

/**
 * A [PimsBridge] over the SDK's callbacks: each call suspends until its callback comes. If the
 * coroutine is cancelled first, the callback that comes later is ignored (the SDK cannot be told
 * to stop), and so is a second callback.
 */
class CallbackPimsBridge(private val pims: PimsCallbacks) : PimsBridge {
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
