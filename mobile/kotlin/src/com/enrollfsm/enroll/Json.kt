package com.enrollfsm.enroll

/**
 * Writes the SDK's message dictionary as the JSON the engine reads. Maps, lists, arrays,
 * strings, numbers, booleans and null; anything else as its string. Android has org.json, a
 * plain JVM does not: this keeps the layer free of both.
 */
internal object Json {
    fun encode(value: Any?): String = StringBuilder().also { write(it, value) }.toString()

    private fun write(out: StringBuilder, value: Any?) {
        when (value) {
            null -> out.append("null")
            is String -> string(out, value)
            is Boolean -> out.append(value)
            is Double -> if (value.isNaN() || value.isInfinite()) out.append("null") else out.append(value)
            is Float -> if (value.isNaN() || value.isInfinite()) out.append("null") else out.append(value)
            is Number -> out.append(value)
            is Map<*, *> -> {
                out.append('{')
                var first = true
                for ((k, v) in value) {
                    if (!first) out.append(',')
                    first = false
                    string(out, k.toString())
                    out.append(':')
                    write(out, v)
                }
                out.append('}')
            }
            is Iterable<*> -> list(out, value.iterator())
            is Array<*> -> list(out, value.iterator())
            else -> string(out, value.toString())
        }
    }

    private fun list(out: StringBuilder, items: Iterator<*>) {
        out.append('[')
        var first = true
        for (v in items) {
            if (!first) out.append(',')
            first = false
            write(out, v)
        }
        out.append(']')
    }

    private fun string(out: StringBuilder, s: String) {
        out.append('"')
        for (c in s) {
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c == '\n' -> out.append("\\n")
                c == '\r' -> out.append("\\r")
                c == '\t' -> out.append("\\t")
                c < ' ' -> out.append(String.format("\\u%04x", c - '\u0000'))
                else -> out.append(c)
            }
        }
        out.append('"')
    }
}
