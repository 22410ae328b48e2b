/*
 * post PORT PATH BYTES [CHUNK]: one POST to 127.0.0.1:PORT of BYTES zero
 * bytes, with a Content-Length or, given CHUNK, chunked in chunks of CHUNK
 * bytes (one writev a chunk); the answer to stdout. With "-" for PORT the
 * request itself goes to stdout, for a server in pipe mode.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

static char zeros[1 << 18];

static int
put(int fd, struct iovec *v, int n)
{
	while (n > 0) {
		ssize_t k = writev(fd, v, n);
		if (k < 0)
			return -1;
		for (; n > 0 && (size_t)k >= v->iov_len; v++, n--)
			k -= (ssize_t)v->iov_len;
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + k;
			v->iov_len -= (size_t)k;
		}
	}
	return 0;
}

static int
body(int fd, long long left, size_t chunk)
{
	char size[32], end[] = "\r\n0\r\n\r\n";

	while (left > 0) {
		size_t n = chunk ? chunk : sizeof(zeros);
		if ((long long)n > left)
			n = (size_t)left;
		if (n > sizeof(zeros))
			return -1;
		struct iovec v[3] = {
			{ size, chunk ? (size_t)sprintf(size, "%zx\r\n", n) : 0 },
			{ zeros, n },
			{ "\r\n", chunk && left > (long long)n ? 2 : 0 },
		};
		if (put(fd, v, 3) < 0)
			return -1;
		left -= (long long)n;
	}
	if (chunk)		/* the last chunk's CRLF, then the empty one */
		return put(fd, (struct iovec[]){ { end, sizeof(end) - 1 } }, 1);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char head[512], buf[65536];
	long long bytes;
	size_t chunk;
	ssize_t n;
	int fd = 1, hl;

	if (argc < 4)
		return 2;
	bytes = atoll(argv[3]);
	chunk = argc > 4 ? (size_t)atoll(argv[4]) : 0;
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "-")) {
		a.sin_port = htons((unsigned short)atoi(argv[1]));
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
		    connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return 1;
	}
	if (chunk)
		hl = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		              "Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n", argv[2]);
	else
		hl = snprintf(head, sizeof(head), "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		              "Connection: close\r\nContent-Length: %lld\r\n\r\n", argv[2], bytes);
	if (put(fd, (struct iovec[]){ { head, (size_t)hl } }, 1) < 0 ||
	    body(fd, bytes, chunk) < 0 || fd == 1)
		return fd == 1 ? 0 : 1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
			return 1;
	return n < 0;
}
