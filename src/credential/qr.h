/*
 * QR codes for printed transcripts and certificates (libqrencode), drawn as
 * SVG by the server so that a page prints sharp at any size and the browser
 * needs no script for it.
 */
#ifndef CC_CREDENTIAL_QR_H
#define CC_CREDENTIAL_QR_H

#define QR_TEXT_MAX 1024 /* bytes of what a code may hold */

/*
 * TEXT (at most QR_TEXT_MAX bytes) as a QR code (error correction level M,
 * a quiet zone of four modules) in SVG text (cc_free it); NULL when TEXT is
 * empty or too long, or when out of memory.
 */
char *qr_svg(const char *text);

#endif
