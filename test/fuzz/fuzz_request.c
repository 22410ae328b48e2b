/*
 * libFuzzer target: one request head through the real reading path (fd 0
 * is a memfd holding the input), parsing, percent-decoding and collapsing
 * the path, and the error page that would answer it (written to
 * /dev/null). Build and run: make fuzz (clang, ASan+UBSan).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request r;
	static int in = -1;
	enum status s;

	if (in < 0) {
		int null = open("/dev/null", O_WRONLY);
		in = memfd_create("fuzz-request", 0);
		dup2(null, 1);
		close(null);
	}
	if (ftruncate(in, 0) < 0 || pwrite(in, data, size, 0) != (ssize_t)size ||
	    lseek(in, 0, SEEK_SET) < 0 || dup2(in, 0) < 0)
		return 0;
	memset(&r, 0, sizeof(r));
	r.content_length = -1;
	r.script_exit = -1;
	r.timeout = 1;
	if (!(s = http_read_head(&r, 1)) && !(s = http_parse_head(&r)))
		s = http_decode_path(&r);
	if (s && s != S_CLOSED)
		http_send_error(&r, s);
	return 0;
}
