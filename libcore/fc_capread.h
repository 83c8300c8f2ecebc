/* fc_capread.h - one capture file, pcap or pcapng, read record by record
 * where it lies (internal to libflowcore).
 *
 * Understands what libpcap reads: pcap with microsecond, nanosecond and
 * Kuznetzov ("modified") magics in either byte order, and pcapng with
 * any number of sections (each in its own byte order), interfaces of
 * their own link type, snap length, if_tsresol (powers of 10 and 2) and
 * if_tsoffset; Enhanced, Simple and obsolete Packet Blocks, every other
 * block skipped. Link types are handed out as libpcap's pcap_datalink()
 * gives them on Linux (LINKTYPE_RAW 101 as DLT_RAW 12, and so on), and
 * records as libpcap gives them (a pcap record longer than the snap
 * length is cut to it). Every length is checked before it is used. */
#ifndef FC_CAPREAD_H
#define FC_CAPREAD_H

#include "fc_source.h"

typedef struct fc_capread fc_capread;

/* Opens PATH ("-": standard input) and reads its header (for pcapng, up
 * to the first interface). NULL on failure with "PATH: reason" in err
 * (FC_SOURCE_ERRBUF bytes) and *rc the status. PATH is borrowed. */
fc_capread *fc_capread_open(const char *path, char *err, int *rc);

/* The next record: FC_OK with rec's data, caplen, wirelen, ts, linktype
 * and pktno (1-based record number in the file) filled, the data valid
 * until the next call or close; FC_DONE at the end; FC_EFORMAT, FC_EIO
 * or FC_ENOMEM with "PATH: packet N: what" in fc_capread_errmsg, after
 * which the reader only repeats that status. */
int fc_capread_next(fc_capread *r, fc_rec *rec);

const char *fc_capread_errmsg(const fc_capread *r);
/* Link type of the file (pcap) or of its first interface (pcapng). */
int fc_capread_linktype(const fc_capread *r);
/* Size of the file as given (0 for a pipe), and how far into it reading
 * has come (compressed bytes for a compressed file). */
uint64_t fc_capread_size(const fc_capread *r);
uint64_t fc_capread_file_pos(const fc_capread *r);
/* FC_CAPIN_PLAIN or the compression of the file. */
int fc_capread_compression(const fc_capread *r);

/* Lets go of the file (descriptor and buffer) while keeping the place
 * so that the record last returned is returned again by the first
 * fc_capread_next after fc_capread_resume. FC_OK, or FC_EINVAL when the
 * place cannot be found again (a stream past its first record). */
int fc_capread_suspend(fc_capread *r);
/* fc_capread_suspend and fc_capread_close that keep the buffer alive
 * (after fc_capread_set_retire) for records still being read elsewhere:
 * *kept is then set to it (else to NULL) for fc_capin_free_kept later. */
int fc_capread_suspend_keep(fc_capread *r, void **kept);
void fc_capread_close_keep(fc_capread *r, void **kept);
/* Keep every buffer records were handed out of, giving each
 * full one to retire (fc_capin_set_retire), from now on and after every
 * resume. */
void fc_capread_set_retire(fc_capread *r, int (*retire)(void *ctx, void *buf), void *ctx);
/* 1 when the records handed out stay valid until the file is closed or
 * suspended (not only until the next record): after
 * fc_capread_set_retire. */
int fc_capread_stable(const fc_capread *r);
int fc_capread_resume(fc_capread *r);
int fc_capread_suspended(const fc_capread *r);

void fc_capread_close(fc_capread *r);

#endif
