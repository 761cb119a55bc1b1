// Package mobile is the enrollment engine for Android and iOS apps, bound
// with gomobile (gobind): every exported name uses only types gobind can
// bind, and JSON carries what needs a richer type, with the field names of
// the scenario format (op, api, params; prompt, value, action) and of the
// PIMS message (transactionId, status, result, error{code,label}).
//
// Config.Start begins a run. An app drives the Engine in one of two ways:
//
//   - pull: Next hands out the pending call (CallID, Op, API, Params); the
//     app makes it with pims.get/pims.set and its callback, and hands the
//     message back with Deliver. No thread is blocked.
//   - push: the app implements Backend; Advance makes the pending calls
//     through it, blocking the calling thread until a prompt or the end.
//
// Either way, a prompt is answered with Answer or Act, and Outcome tells how
// the run ended. Snapshot and Config.Restore survive the app being killed.
//
// Every error is an *EngineError whose message is JSON: see ParseError.
// Config.Listener is told of transitions; Config.SnapshotKey seals
// snapshots, and Engine.Place, kept beside the key and given back as
// Config.Latest, makes Restore refuse an older one. Version is the release
// this build comes from.
//
// On Android, the Kotlin layer in mobile/kotlin wraps these bindings in a
// StateFlow of what is pending, a Flow of transitions, suspend functions,
// data classes and results.
//
// An Engine is safe for concurrent use. Advance blocks and belongs on a
// worker thread; every other method returns at once and may be called from
// any thread, the main thread included. A Backend is called on a thread of
// Go's; a Logger is called from inside the engine's methods and must not call
// the engine.
package mobile
