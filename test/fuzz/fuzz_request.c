/*
 * libFuzzer target: one request head through the real reading path (fd 0
 * is a memfd holding the input), parsing, percent-decoding and collapsing
 * the path, and the error page that would answer it (written to
 * /dev/null); each input also once behind --proxy-protocol. Build and
 * run: make fuzz (clang, ASan+UBSan).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input from its first byte on fd 0; with proxy, a PROXY header
 * is read first. */
static void
one(const uint8_t *data, size_t size, bool proxy)
{
	static struct request r;
	static int in = -1;
	long long deadline = now_ms() + 1000;
	enum status s = S_NONE;

	if (in < 0) {
		int null = open("/dev/null", O_WRONLY);
		in = memfd_create("fuzz-request", 0);
		dup2(null, 1);
		close(null);
	}
	if (ftruncate(in, 0) < 0 || pwrite(in, data, size, 0) != (ssize_t)size ||
	    lseek(in, 0, SEEK_SET) < 0 || dup2(in, 0) < 0)
		return;
	memset(&r, 0, sizeof(r));
	r.content_length = -1;
	r.script_exit = -1;
	r.timeout = 1;
	if ((!proxy || !(s = http_read_proxy(&r, deadline))) &&
	    !(s = http_read_head(&r, deadline)) && !(s = http_parse_head(&r)))
		s = http_decode_path(&r);
	if (s && !r.gone)
		http_send_error(&r, s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, false);
	one(data, size, true);
	return 0;
}
