/*
 * reaper CMD [ARG...]: runs CMD as the child subreaper of all it starts and
 * waits for every one of them, so that the CPU time of a process that was
 * re-parented (a CGI child that outlived its server) is in our rusage too,
 * and in that of /usr/bin/time above us. SIGTERM goes on to CMD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t child;

static void
forward(int sig)
{
	if (child > 0)
		kill(child, sig);
}

int
main(int argc, char *argv[])
{
	int status, rc = 0;
	pid_t pid;

	if (argc < 2 || prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return 2;
	signal(SIGTERM, forward);
	if ((child = fork()) == 0) {
		signal(SIGTERM, SIG_DFL);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	while ((pid = wait(&status)) != -1 || errno == EINTR)
		if (pid == child)
			rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return rc;
}
