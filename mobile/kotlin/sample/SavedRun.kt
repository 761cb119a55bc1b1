// How an app keeps a run across a killed process so that no saved snapshot restores twice
// (docs/snapshots.md quotes it): the snapshot key and the run's latest place are kept apart from
// the snapshot, the place is written before the snapshot at every save, and once more when the
// run ends; the restore passes it as `latest`.
package com.example.enroll.saved

import com.enrollfsm.enroll.Enrollment
import com.enrollfsm.enroll.PimsBridge
import com.enrollfsm.enroll.RestoreResult

/**
 * Where the app keeps its one run. [key] and [place] live apart from [snapshot]: on Android the
 * key wrapped by a Keystore key and the place in the app's SharedPreferences, the snapshot in a
 * file; on iOS the key and the place in the Keychain.
 */
public interface RunStore {
    /** 32 random bytes made once per install: `EnrollConfig(snapshotKey = key)`. */
    public val key: ByteArray

    /** The latest place of the current run, `Enrollment.place`, or null. */
    public var place: String?

    /** The saved run, or null. */
    public var snapshot: ByteArray?
}

public class SavedRun(private val store: RunStore) {
    /** When the app may be killed (onStop): the place first, then the snapshot. */
    public fun save(enrollment: Enrollment) {
        val snapshot = enrollment.snapshot() ?: return // a call is in flight: keep the last one
        store.place = enrollment.place
        store.snapshot = snapshot
    }

    /** When the run ends: one more snapshot moves the place past every one saved. */
    public fun ended(enrollment: Enrollment) {
        enrollment.snapshot()
        store.place = enrollment.place
        store.snapshot = null
    }

    /** At start: the saved run, or null to start a new one. */
    public fun restore(bridge: PimsBridge): Enrollment? {
        val snapshot = store.snapshot ?: return null
        val latest = store.place ?: return null // no place: a saved run cannot be told from an older copy
        return when (val r = Enrollment.restore(bridge, snapshot, store.key, latest = latest)) {
            is RestoreResult.Restored -> r.enrollment.also { store.place = it.place }
            is RestoreResult.Refused -> {
                store.snapshot = null // older, another run's, changed or damaged
                null
            }
        }
    }
}
