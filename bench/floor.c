/*
 * The floor of the process-per-connection model: read the request head,
 * write a fixed head and the file named on the command line (sendfile).
 * Nothing else: what any server started per connection must at least do.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	char buf[8192], head[128];
	size_t len = 0;
	struct stat st;
	off_t off = 0;
	int fd, n;

	while (len < sizeof(buf) - 1 && (n = (int)read(0, buf + len, sizeof(buf) - 1 - len)) > 0) {
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n"))
			break;
	}
	if (argc < 2 || (fd = open(argv[1], O_RDONLY)) < 0 || fstat(fd, &st) < 0)
		return 1;
	n = snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Length: %lld\r\n"
	             "Connection: close\r\n\r\n", (long long)st.st_size);
	if (write(1, head, (size_t)n) != n)
		return 1;
	while (off < st.st_size && sendfile(1, fd, &off, (size_t)(st.st_size - off)) > 0)
		;
	return 0;
}
