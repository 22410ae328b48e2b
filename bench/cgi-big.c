/* A compiled CGI program that writes MiB mebibytes of zeros after its head,
 * MiB from QUERY_STRING "mib=MiB" (64 without). Given "raw" (and MiB),
 * run alone by the superserver, it answers nph-style: this work's floor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	static char buf[1 << 16];
	const char *q = getenv("QUERY_STRING");
	long long left = 64;

	if (argc > 1 && !strcmp(argv[1], "raw")) {
		/* the request, read (one small packet): unread, the close would
		 * be a reset that throws the answer away */
		if (read(0, buf, sizeof(buf)) < 0)
			return 1;
		fputs("HTTP/1.0 200 OK\r\n", stdout);
		if (argc > 2)
			left = atoll(argv[2]);
	} else if (q && !strncmp(q, "mib=", 4)) {
		left = atoll(q + 4);
	}
	memset(buf, 0, sizeof(buf));
	left <<= 20;
	printf("Content-Type: application/octet-stream\r\nContent-Length: %lld\r\n\r\n", left);
	fflush(stdout);
	while (left > 0) {
		ssize_t n = write(1, buf, sizeof(buf));
		if (n <= 0)
			return 1;
		left -= n;
	}
	return 0;
}
