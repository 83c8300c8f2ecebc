/* flowdiff.h - the whole of flowdiff's internal interface, for its main
 * (flowdiff.c) and the fuzz target. Each part of the tool includes only
 * the header of the job it uses: flowdiff_event.h (events, fields),
 * flowdiff_input.h (readers, replay), flowdiff_compare.h (aligner,
 * order), flowdiff_report.h (reports). */
#ifndef FLOWDIFF_H
#define FLOWDIFF_H

#include "flowdiff_event.h"
#include "flowdiff_input.h"
#include "flowdiff_compare.h"
#include "flowdiff_report.h"

#endif
