// Prints the public API of the Kotlin layer, as Kotlin and Java callers see it, from its
// compiled classes: every public class with its supertypes, constructors, members, parameters
// (their names, types with nullability, which have defaults) and enum entries, then the JVM
// methods Java calls (statics from @JvmStatic, overloads from @JvmOverloads). Internal and
// private declarations, which the JVM sees as public or mangled, are left out by their Kotlin
// visibility. .ci/mobile compares it with mobile/kotlin/api.txt.
//
// Usage: ApiDump CLASSES_DIR PACKAGE (with kotlin-reflect on the class path)
package com.enrollfsm.enroll.tools

import java.io.File
import java.lang.reflect.Method
import java.lang.reflect.Modifier
import kotlin.reflect.KCallable
import kotlin.reflect.KClass
import kotlin.reflect.KFunction
import kotlin.reflect.KMutableProperty
import kotlin.reflect.KParameter
import kotlin.reflect.KProperty
import kotlin.reflect.KType
import kotlin.reflect.KVisibility
import kotlin.reflect.full.declaredMembers
import kotlin.reflect.jvm.kotlinFunction
import kotlin.system.exitProcess

public fun main(args: Array<String>) {
    if (args.size != 2) {
        System.err.println("usage: ApiDump CLASSES_DIR PACKAGE")
        exitProcess(2)
    }
    val pkg = args[1]
    val dir = File(args[0], pkg.replace('.', '/'))
    val names = dir.listFiles { f -> f.name.endsWith(".class") }.orEmpty().map { pkg + "." + it.name.removeSuffix(".class") }.sorted()
    val loader = Thread.currentThread().contextClassLoader
    val out = ArrayList<String>()
    for (name in names) {
        // Loaded, not initialised: nothing of the bindings runs.
        val c = Class.forName(name, false, loader)
        val kind = c.getAnnotation(Metadata::class.java)?.kind ?: continue
        when (kind) {
            1 -> if (c.isPublicApi()) out += classApi(c, pkg)
            2 -> out += facadeApi(c, pkg)
        }
    }
    println("# The public API of $pkg, for Kotlin and (jvm:) Java callers: written by")
    println("# mobile/kotlin/tools/ApiDump.kt from the compiled classes; .ci/mobile compares.")
    println()
    println(out.joinToString("\n").trimEnd())
}

private fun Class<*>.isPublicApi(): Boolean {
    if (isAnonymousClass || isLocalClass || isSynthetic) return false
    var c: Class<*>? = this
    while (c != null) {
        if (c.kotlin.visibility != KVisibility.PUBLIC) return false
        c = c.enclosingClass
    }
    return true
}

private fun classApi(c: Class<*>, pkg: String): List<String> {
    val k = c.kotlin
    val lines = ArrayList<String>()
    val what = when {
        c.isAnnotation -> "annotation class"
        c.isEnum -> "enum class"
        c.isInterface -> (if (k.isFun) "fun " else "") + "interface"
        k.objectInstance != null -> (if (k.isCompanion) "companion " else "") + (if (k.isData) "data " else "") + "object"
        else -> listOfNotNull(
            when {
                k.isSealed -> "sealed"
                k.isAbstract -> "abstract"
                k.isOpen -> "open"
                else -> null
            },
            if (k.isData) "data" else null,
            if (k.isValue) "value" else null,
            "class",
        ).joinToString(" ")
    }
    val supers = k.supertypes.map { short(it, pkg) }.filter { it != "Any" && it != "java.io.Serializable" && !it.startsWith("Enum<") }
    lines += "public ${if (c.isInterface && k.isSealed) "sealed " else ""}$what ${short(c.name.replace('$', '.'), pkg)}" +
        (if (supers.isEmpty()) "" else " : " + supers.joinToString(", "))
    if (c.isEnum) lines += "  entries " + c.enumConstants.joinToString(", ") { (it as Enum<*>).name }
    val members = ArrayList<String>()
    for (ctor in k.constructors) if (ctor.visibility.isApi()) members += "constructor(${params(ctor, pkg)})"
    for (m in k.declaredMembers) if (m.visibility.isApi()) members += member(m, pkg)
    lines += members.sorted().map { "  $it" }
    lines += jvm(c.declaredMethods.filter { it.isJavaApi() }, pkg, k)
    lines += ""
    return lines
}

private fun facadeApi(c: Class<*>, pkg: String): List<String> {
    val fns = c.declaredMethods.filter { it.isJavaApi() && it.kotlinFunction?.visibility == KVisibility.PUBLIC }
    if (fns.isEmpty()) return emptyList()
    val lines = ArrayList<String>()
    lines += "public top-level (${short(c.name, pkg)})"
    lines += fns.mapNotNull { it.kotlinFunction }.map { "  " + member(it, pkg) }.sorted()
    lines += jvm(fns, pkg, null)
    lines += ""
    return lines
}

private fun KVisibility?.isApi(): Boolean = this == KVisibility.PUBLIC || this == KVisibility.PROTECTED

private fun Method.isJavaApi(): Boolean =
    Modifier.isPublic(modifiers) && !isSynthetic && !isBridge && '$' !in name

// The JVM methods, as Java calls them; those of a public companion are listed under it.
private fun jvm(methods: List<Method>, pkg: String, k: KClass<*>?): List<String> {
    val internal = k?.declaredMembers?.filter { !it.visibility.isApi() }?.map { it.name }?.toSet().orEmpty()
    return methods.filter { m -> internal.none { m.name == it || m.name == "get" + it.replaceFirstChar(Char::uppercase) } }
        .map { m ->
            val static = if (Modifier.isStatic(m.modifiers)) "static " else ""
            "  jvm: $static${jvmType(m.genericReturnType.typeName, pkg)} ${m.name}(" +
                m.genericParameterTypes.joinToString(", ") { jvmType(it.typeName, pkg) } + ")"
        }.sorted()
}

private fun member(m: KCallable<*>, pkg: String): String {
    val receiver = m.parameters.firstOrNull { it.kind == KParameter.Kind.EXTENSION_RECEIVER }?.let { short(it.type, pkg) + "." } ?: ""
    return when (m) {
        is KMutableProperty<*> -> "var $receiver${m.name}: ${short(m.returnType, pkg)}"
        is KProperty<*> -> (if (m.isConst) "const " else "") + "val $receiver${m.name}: ${short(m.returnType, pkg)}"
        is KFunction<*> -> (if (m.isSuspend) "suspend " else "") + (if (m.isOperator) "operator " else "") +
            "fun $receiver${m.name}(${params(m, pkg)}): ${short(m.returnType, pkg)}"
        else -> "${m.name}: ${short(m.returnType, pkg)}"
    }
}

private fun params(f: KCallable<*>, pkg: String): String =
    f.parameters.filter { it.kind == KParameter.Kind.VALUE }.joinToString(", ") {
        (if (it.isVararg) "vararg " else "") + "${it.name}: ${short(it.type, pkg)}" + if (it.isOptional) " = …" else ""
    }

private fun short(t: KType, pkg: String): String = short(t.toString(), pkg)

private fun short(name: String, pkg: String): String =
    name.replace("$pkg.", "").replace("kotlin.collections.", "").replace("kotlin.coroutines.", "")
        .replace(Regex("""\bkotlin\.(?=[A-Z])"""), "")

private fun jvmType(name: String, pkg: String): String =
    short(name.replace('$', '.'), pkg).replace("java.lang.", "").replace("java.util.", "")
