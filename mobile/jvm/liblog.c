/* The one function of Android's liblog that the JNI glue calls. */
#include <stdarg.h>
#include <stdio.h>

#include "android/log.h"

int __android_log_print(int prio, const char *tag, const char *fmt, ...) {
	va_list ap;
	int n;

	(void)prio;
	n = fprintf(stderr, "%s: ", tag);
	va_start(ap, fmt);
	n += vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return n + 1;
}
