/* A compiled CGI program that writes 64 MiB after its head (nph-style when
 * given "raw": run alone by the superserver, it is this work's floor). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	static char buf[1 << 16];
	long long left = 64LL << 20;

	if (argc > 1 && !strcmp(argv[1], "raw")) {
		/* the request, read (one small packet): unread, the close would
		 * be a reset that throws the answer away */
		if (read(0, buf, sizeof(buf)) < 0)
			return 1;
		fputs("HTTP/1.0 200 OK\r\n", stdout);
	}
	memset(buf, 'x', sizeof(buf));
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
