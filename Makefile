# cgiinetd: one HTTP request per process, for inetd, xinetd and systemd.
PREFIX = /usr/local
DESTDIR =
SYSCONFDIR = $(PREFIX)/etc
UNITDIR = $(PREFIX)/lib/systemd/system
# musl-gcc (Debian's musl-tools) when there is one: a static binary, with
# nothing to load at every request; else cc and its libc. musl-gcc's specs
# know -static but not -static-pie (they would link musl's libc.so), so the
# link names musl's self-relocating start file and libc.a itself.
MUSL_GCC != command -v musl-gcc || true
MUSL_LIB != [ -z "$(MUSL_GCC)" ] || sed -n 's|.*-specs "\(.*\)/[^/]*".*|\1|p' $(MUSL_GCC)
CC = $(if $(MUSL_GCC),musl-gcc,cc)
WARN = -std=c11 -Wall -Wextra -Wshadow -Wpointer-arith -Wcast-qual \
	-Wstrict-prototypes -Wmissing-prototypes -Werror
# A user's CFLAGS and LDFLAGS add to these (and win where they clash, as
# -O3 over -O2), never drop the warnings or the hardening.
CFLAGS =
LDFLAGS =
ALL_CFLAGS = -O2 -g $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE $(CFLAGS)
ALL_LDFLAGS = -Wl,-z,relro,-z,now $(LDFLAGS)
START_GROUP = -Wl,--start-group
END_GROUP = -Wl,--end-group
LINK = $(if $(MUSL_GCC),gcc -static-pie -nostdlib $(ALL_LDFLAGS) $(MUSL_LIB)/rcrt1.o \
	$(MUSL_LIB)/crti.o $$(gcc -print-file-name=crtbeginS.o) $(OBJ) \
	$(START_GROUP) $(MUSL_LIB)/libc.a $$(gcc -print-libgcc-file-name) $(END_GROUP) \
	$$(gcc -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o, \
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -pie $(OBJ))
# musl's headers do not reach the kernel's (linux/openat2.h): point at them
MUSL_INC = $(if $(MUSL_GCC),-isystem musl-include)
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
PORT = 8000
FUZZ_SECONDS = 60

SRC = cgiinetd.c http.c file.c cgi.c
OBJ = $(SRC:.c=.o)

all: cgiinetd

cgiinetd: $(OBJ)
	$(LINK) -o $@
	@$(if $(MUSL_GCC),:,echo "cgiinetd: no musl-gcc, so linked dynamically with the system's libc (about 2 MB a request, not 450 KiB): apt-get install musl-tools, then make")

# The objects of one compiler only: when musl-tools arrives (test/deps
# installs it) or goes, every object is built again, never linked mixed.
CC_STAMP = .cc-$(notdir $(CC))
$(CC_STAMP):
	rm -f .cc-* $(OBJ) $(OBJ:.o=.d)
	touch $@

# Each object's headers are found by the compiler (-MMD, into NAME.d); a
# generated one must be there before the first build.
%.o: %.c $(CC_STAMP) $(if $(MUSL_GCC),musl-include)
	$(CC) $(ALL_CFLAGS) $(MUSL_INC) -MMD -MP -c -o $@ $<

file.o: mime.h
-include $(OBJ:.o=.d)

# The system's mime.types as a sorted C table: a type is a binary search,
# not a read of 70 KB at every request. Offsets, not pointers: nothing to
# relocate at start. As Python's mimetypes reads it: a later line wins, a
# word starting with '#' ends the line; names outside printable ASCII, or
# that a C string would need to escape, are left out. Made at every make
# (it takes milliseconds), replaced only when it changes.
MIME_TYPES = $(wildcard /etc/mime.types)
ifeq ($(MIME_TYPES),)
$(warning no /etc/mime.types (Debian: media-types): only the built-in types)
endif
mime.h: FORCE
	@{ echo '/* Made by make from $(or $(MIME_TYPES),no mime.types): do not edit. */'; \
	  for f in $(MIME_TYPES); do awk '{ sub(/\r$$/, "") } !/^[ \t]*#/ { \
		for (i = 2; i <= NF && $$i !~ /^#/; i++) t[$$i] = $$1 } \
		END { for (e in t) \
		if ((e t[e]) ~ /^[!-~]+$$/ && (e t[e]) !~ /["\\?]/) print e, t[e] }' \
		$$f; done | LC_ALL=C sort | \
	  LC_ALL=C awk 'BEGIN { print "static const char mime_names[] =" } \
		{ off[NR] = n + 0; n += length($$1) + length($$2) + 2; \
		  printf "\t\"%s\\0\" \"%s\\0\"\n", $$1, $$2 } \
		END { print "\t\"\";\nstatic const unsigned mime_system[] = {"; \
		      for (i = 1; i <= NR; i++) printf "\t%d,\n", off[i]; \
		      print "\t0\t/* the end */\n};" }'; \
	} >$@.tmp && if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi

musl-include:
	mkdir -p $@
	ln -sfn /usr/include/linux $@/linux
	ln -sfn /usr/include/asm-generic $@/asm-generic
	ln -sfn /usr/include/$$(cc -print-multiarch)/asm $@/asm

# The same sources with AddressSanitizer and UBSan (glibc: ASan needs it),
# for the second test run. Each run is bounded: a test that hangs fails it.
san/cgiinetd: $(SRC) http.h cgi.h file.h mime.h
	mkdir -p san
	cc $(ALL_CFLAGS) $(SAN_FLAGS) -pie -o $@ $(SRC)

check: cgiinetd san/cgiinetd
	test/deps
	timeout 1200 bats --tap test
	CGIINETD=$(CURDIR)/san/cgiinetd timeout 1200 bats --tap test

# valgrind over requests that do not exec (slow: not part of check), on a
# glibc build: valgrind cannot follow a static musl binary's allocator.
vg/cgiinetd: $(SRC) http.h cgi.h file.h mime.h
	mkdir -p vg
	cc $(ALL_CFLAGS) -pie -o $@ $(SRC)

memcheck: vg/cgiinetd
	test/deps
	bats --tap test/memcheck

# cgiinetd against the floor of its model and its peers (bench/run.sh).
bench: cgiinetd
	test/deps
	bench/deps
	bench/run.sh

serve: cgiinetd
	@echo "Serving examples/www on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	systemd-socket-activate --accept --inetd -l 127.0.0.1:$(PORT) \
		$(CURDIR)/cgiinetd -l stderr -d $(CURDIR)/examples/www

# The service definitions name $(PREFIX)/sbin/cgiinetd.
install: cgiinetd
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(SYSCONFDIR)/xinetd.d $(DESTDIR)$(UNITDIR)
	install -m 755 cgiinetd $(DESTDIR)$(PREFIX)/sbin/cgiinetd
	install -m 644 cgiinetd.8 $(DESTDIR)$(PREFIX)/share/man/man8/cgiinetd.8
	sed 's|/usr/local/sbin/cgiinetd|$(PREFIX)/sbin/cgiinetd|' xinetd.d/cgiinetd \
		>$(DESTDIR)$(SYSCONFDIR)/xinetd.d/cgiinetd
	sed 's|/usr/local/sbin/cgiinetd|$(PREFIX)/sbin/cgiinetd|' systemd/cgiinetd@.service \
		>$(DESTDIR)$(UNITDIR)/cgiinetd@.service
	install -m 644 systemd/cgiinetd.socket $(DESTDIR)$(UNITDIR)/cgiinetd.socket

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/cgiinetd \
		$(DESTDIR)$(PREFIX)/share/man/man8/cgiinetd.8 \
		$(DESTDIR)$(SYSCONFDIR)/xinetd.d/cgiinetd \
		$(DESTDIR)$(UNITDIR)/cgiinetd@.service $(DESTDIR)$(UNITDIR)/cgiinetd.socket

clean:
	rm -rf cgiinetd $(OBJ) $(OBJ:.o=.d) .cc-* mime.h san vg fuzz musl-include

# libFuzzer (clang): over the request head, and over the parsers past it
# (fuzz_parts: conditionals, ranges, dates, the chunked decoder, the -P
# head); FUZZ_SECONDS in all, seeds in test/fuzz and the transcripts.
FUZZ = clang -std=c11 -g -O1 -I. -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
fuzz/fuzz_request: test/fuzz/fuzz_request.c http.c http.h
	mkdir -p fuzz
	$(FUZZ) -o $@ test/fuzz/fuzz_request.c http.c

fuzz/fuzz_parts: test/fuzz/fuzz_parts.c $(SRC) http.h cgi.h file.h mime.h
	mkdir -p fuzz
	$(FUZZ) -o $@ test/fuzz/fuzz_parts.c http.c

fuzz: fuzz/fuzz_request fuzz/fuzz_parts
	mkdir -p fuzz/corpus fuzz/corpus-parts
	fuzz/fuzz_request -max_total_time=$$(( $(FUZZ_SECONDS) / 2 )) -max_len=70000 \
		-timeout=5 -print_final_stats=1 fuzz/corpus test/fuzz/seeds test/cases
	fuzz/fuzz_parts -max_total_time=$$(( $(FUZZ_SECONDS) / 2 )) -max_len=70000 \
		-timeout=5 -print_final_stats=1 fuzz/corpus-parts test/fuzz/seeds test/cases

.PHONY: all check memcheck bench serve install uninstall clean fuzz FORCE
