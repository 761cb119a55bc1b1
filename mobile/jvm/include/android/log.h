/* A stand-in for the NDK's <android/log.h>, so that the generated JNI code
 * builds for the JVM on Linux. liblog.c writes the messages to stderr. */
#ifndef ENROLLFSM_ANDROID_LOG_STUB_H
#define ENROLLFSM_ANDROID_LOG_STUB_H

typedef enum android_LogPriority {
	ANDROID_LOG_UNKNOWN = 0,
	ANDROID_LOG_DEFAULT,
	ANDROID_LOG_VERBOSE,
	ANDROID_LOG_DEBUG,
	ANDROID_LOG_INFO,
	ANDROID_LOG_WARN,
	ANDROID_LOG_ERROR,
	ANDROID_LOG_FATAL,
	ANDROID_LOG_SILENT,
} android_LogPriority;

int __android_log_print(int prio, const char *tag, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
