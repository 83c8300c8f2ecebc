/* flowdiff_report.h - writing the comparison's results
 * (flowdiff_report.c) as text, JSON or JUnit XML. */
#ifndef FLOWDIFF_REPORT_H
#define FLOWDIFF_REPORT_H

#include <stdio.h>
#include "flowdiff_compare.h"

/* Reports (flowdiff_report.c). */
enum { FD_REP_TEXT, FD_REP_JSON, FD_REP_JUNIT };
void fd_report(FILE *f, int format, int color, const fd_summary *s,
               const char *exp_name, const char *act_name);

#endif
