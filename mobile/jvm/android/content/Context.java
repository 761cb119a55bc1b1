// A stand-in for Android's Context, so that the generated go.Seq class
// compiles off-device. It is never instantiated.
package android.content;

public abstract class Context {}
