// JSON for the simulated SDK of the sample and the tests: the simulator's binding takes a
// request and returns a message as JSON, where the SDK's facade has maps.
package com.example.enroll

internal fun quote(s: String): String =
    "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""

/** Reads a JSON object into maps, lists, strings, longs, doubles, booleans and nulls. */
internal fun parseMessage(text: String): Map<String, Any?> {
    val r = JsonReader(text)
    @Suppress("UNCHECKED_CAST")
    return r.value() as Map<String, Any?>
}

private class JsonReader(val s: String) {
    var i = 0

    fun value(): Any? {
        space()
        val c = s[i]
        return when {
            c == '{' -> {
                i++
                val m = LinkedHashMap<String, Any?>()
                space()
                if (s[i] == '}') { i++; return m }
                while (true) {
                    space()
                    val k = string()
                    space(); expect(':')
                    m[k] = value()
                    space()
                    if (s[i] == ',') { i++; continue }
                    expect('}')
                    return m
                }
                @Suppress("UNREACHABLE_CODE")
                m
            }
            c == '[' -> {
                i++
                val l = ArrayList<Any?>()
                space()
                if (s[i] == ']') { i++; return l }
                while (true) {
                    l.add(value())
                    space()
                    if (s[i] == ',') { i++; continue }
                    expect(']')
                    return l
                }
                @Suppress("UNREACHABLE_CODE")
                l
            }
            c == '"' -> string()
            s.startsWith("true", i) -> { i += 4; true }
            s.startsWith("false", i) -> { i += 5; false }
            s.startsWith("null", i) -> { i += 4; null }
            else -> {
                val start = i
                while (i < s.length && s[i] in "+-0123456789.eE") i++
                val n = s.substring(start, i)
                if (n.any { it in ".eE" }) n.toDouble() else n.toLong()
            }
        }
    }

    fun string(): String {
        expect('"')
        val b = StringBuilder()
        while (s[i] != '"') {
            if (s[i] == '\\') {
                i++
                when (s[i]) {
                    'n' -> b.append('\n')
                    't' -> b.append('\t')
                    'r' -> b.append('\r')
                    'b' -> b.append('\b')
                    'f' -> b.append('\u000c')
                    'u' -> { b.append(s.substring(i + 1, i + 5).toInt(16).toChar()); i += 4 }
                    else -> b.append(s[i])
                }
                i++
            } else {
                b.append(s[i++])
            }
        }
        i++
        return b.toString()
    }

    fun space() {
        while (i < s.length && s[i].isWhitespace()) i++
    }

    fun expect(c: Char) {
        if (s[i] != c) throw IllegalArgumentException("JSON: want '$c' at $i: $s")
        i++
    }
}
