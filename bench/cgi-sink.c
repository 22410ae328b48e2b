/* A compiled CGI program that reads its request body, CONTENT_LENGTH
 * bytes, and discards it, then answers how many bytes it read. Given
 * "raw", run alone by the superserver, it reads the request itself, head
 * and a Content-Length body: the floor of a POST. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[1 << 17];

int
main(int argc, char *argv[])
{
	const char *cl = getenv("CONTENT_LENGTH");
	long long want = cl ? atoll(cl) : 0, got = 0;
	bool raw = argc > 1 && !strcmp(argv[1], "raw");
	ssize_t n;

	if (raw) {		/* the head, then what of the body came with it */
		size_t len = 0;
		char *end = NULL, *p;
		while (!end && len < sizeof(buf) - 1 &&
		       (n = read(0, buf + len, sizeof(buf) - 1 - len)) > 0) {
			len += (size_t)n;
			buf[len] = '\0';
			end = strstr(buf, "\r\n\r\n");
		}
		if (!end || !(p = strcasestr(buf, "\r\ncontent-length:")))
			return 1;
		want = atoll(p + 17);
		got = (long long)(buf + len - (end + 4));
	}
	while (got < want && (n = read(0, buf, sizeof(buf))) > 0)
		got += n;
	printf("%sContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%lld\n",
	       raw ? "HTTP/1.0 200 OK\r\n" : "", snprintf(NULL, 0, "%lld\n", got), got);
	return got != want;
}
