/* The trivial compiled CGI program, and, run alone by the superserver, its
 * floor: it writes a whole response then (nph-style when given "raw"). */
#include <stdio.h>
#include <string.h>

int
main(int argc, char *argv[])
{
	if (argc > 1 && !strcmp(argv[1], "raw"))
		fputs("HTTP/1.0 200 OK\r\n", stdout);
	fputs("Content-Type: text/plain\r\nContent-Length: 6\r\n\r\nhello\n", stdout);
	return 0;
}
