// Where the native library loads. The first touch of the bindings loads libgojni and starts the
// Go runtime, once per process, so each run of this program is a JVM of its own:
//   caller:  Enrollment.start on the caller's thread does it (Android's main thread, if the app
//            does nothing else);
//   preload: Enrollment.preload on a dispatcher the caller chose does it, and start then finds
//            the library loaded.
// Whether the library is loaded is read from the process's memory map (Linux), not from the
// layer: it is mapped only once System.loadLibrary has run. The figures are printed, not
// checked: they are measurements of this machine.
package com.enrollfsm.enroll.firsttouch

import com.enrollfsm.enroll.Action
import com.enrollfsm.enroll.EnrollConfig
import com.enrollfsm.enroll.Enrollment
import com.enrollfsm.enroll.EnrollmentFlow
import com.enrollfsm.enroll.Pending
import com.enrollfsm.enroll.PimsBridge
import com.enrollfsm.enroll.Prompt
import com.enrollfsm.enroll.State
import java.io.File
import java.util.concurrent.Executors
import kotlin.system.exitProcess
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext

public fun main(args: Array<String>) {
    val mode = args.singleOrNull()
    if (mode != "caller" && mode != "preload") {
        System.err.println("usage: FirstTouch caller|preload")
        exitProcess(2)
    }
    val caller = Thread.currentThread().name
    check(!loaded()) { "libgojni is loaded before anything touched the bindings" }
    // What an app does before it starts a run must not load the library.
    val bridge = object : PimsBridge {
        override suspend fun get(api: String, params: Map<String, String>): Map<String, Any?> = error("no call is made")

        override suspend fun set(api: String, params: Map<String, String>): Map<String, Any?> = error("no call is made")
    }
    val config = EnrollConfig(flow = EnrollmentFlow.FULL)
    check(Prompt.fromWire("pin") == Prompt.PIN && Action.entries.isNotEmpty() && State.ENROLLED.isTerminal)
    check(!loaded()) { "a config, a bridge or an enum loaded the library" }

    var loadedOn = ""
    var preloadNanos = 0L
    if (mode == "preload") {
        val loader = Executors.newSingleThreadExecutor { Thread(it, "enroll-loader") }
        runBlocking {
            // The caller's thread waits here, running nothing: only the loader runs our code.
            withContext(loader.asCoroutineDispatcher()) {
                val t = System.nanoTime()
                Enrollment.preload()
                preloadNanos = System.nanoTime() - t
                if (loaded()) loadedOn = Thread.currentThread().name
            }
        }
        loader.shutdown()
        check(loadedOn == "enroll-loader") { "preload on enroll-loader did not load the library" }
    }
    val t = System.nanoTime()
    val enrollment = Enrollment.start(bridge, config)
    val startNanos = System.nanoTime() - t
    check(loaded()) { "start returned without the library" }
    if (loadedOn == "") loadedOn = caller
    check(enrollment.pending.value is Pending.Call) { "a call is pending first" }

    val ms = { n: Long -> "%.1f ms".format(n / 1e6) }
    if (mode == "caller") {
        println("first touch on the caller's thread ($loadedOn): Enrollment.start took ${ms(startNanos)} on it")
    } else {
        println(
            "first touch off the caller's thread ($loadedOn): Enrollment.preload took ${ms(preloadNanos)} there; " +
                "Enrollment.start then took ${ms(startNanos)} on the caller's thread ($caller)"
        )
    }
}

private fun loaded(): Boolean = File("/proc/self/maps").readLines().any { it.endsWith("/libgojni.so") }
