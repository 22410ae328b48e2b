/* A compiled CGI program, built by the tests: exec'd directly, no shell.
 * With a body, it reads it and says how long it was and what kind of file
 * system its stdin is on (0x1021994: tmpfs, a memfd: memory). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/vfs.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	const char *q = getenv("QUERY_STRING");
	struct statfs fs;
	char buf[65536];
	long long total = 0;
	ssize_t n;

	printf("Content-Type: text/plain\r\n\r\n");
	printf("compiled: argc=%d query=%s\n", argc, q ? q : "(none)");
	if (getenv("CONTENT_LENGTH") && fstatfs(0, &fs) == 0) {
		while ((n = read(0, buf, sizeof(buf))) > 0)
			total += n;
		printf("body=%lld fs=%#lx\n", total, (unsigned long)fs.f_type);
	}
	return 0;
}
