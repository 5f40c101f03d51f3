/* The spandsp sub-headers the media code uses, in an order that compiles.
 *
 * spandsp.h pulls in <tiffio.h>, whose int64/uint64 typedefs clash with
 * sphinxbase's, so no moonswitch file includes spandsp.h. The sub-headers
 * are not self-contained: they need <stddef.h>/<stdint.h>, telephony.h
 * (SPAN_DECLARE), logging.h (logging_state_t) and super_tone_rx.h
 * (tone_report_func_t, used by dtmf.h and modem_connect_tones.h). Private to
 * core/src/media.
 */
#ifndef MS_MEDIA_SPANDSP_SUB_H
#define MS_MEDIA_SPANDSP_SUB_H

#include <stddef.h>
#include <stdint.h>

#include <spandsp/telephony.h>
#include <spandsp/logging.h>
#include <spandsp/super_tone_rx.h>
#include <spandsp/dtmf.h>
#include <spandsp/g711.h>
#include <spandsp/g722.h>
#include <spandsp/modem_connect_tones.h>
#include <spandsp/tone_generate.h>

#endif
