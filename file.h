/* file.h: static files (file.c). */
#ifndef FILE_H
#define FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

enum status file_serve(struct request *r, const struct server *sv);

#endif
