/* ci-sm.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "card/ci-apdu.h"

G_BEGIN_DECLS

/**
 * CiSmCipher:
 * @CI_SM_CIPHER_3DES: two-key 3DES-CBC and ISO 9797-1 MAC algorithm 3 (ICAO Doc
 *   9303 Part 11 §9.8 with BAC keys); only used to check the standard's worked example
 * @CI_SM_CIPHER_AES128: AES-128-CBC with IV = E(KSenc, SSC) and AES-CMAC truncated
 *   to 8 bytes (ICAO Doc 9303 Part 11 §9.8 / BSI TR-03110); what our cards use
 *
 * Secure messaging per ICAO Doc 9303 Part 11 §9.8 (ISO/IEC 7816-4 SM with DO'87',
 * DO'97', DO'99', DO'8E').
 */
typedef enum
{
  CI_SM_CIPHER_3DES,
  CI_SM_CIPHER_AES128,
} CiSmCipher;

#define CI_SM_KEY_LEN 16
#define CI_SM_MAC_LEN 8
#define CI_SM_MAX_SSC 16

typedef struct _CiSm CiSm;

/* @ssc is 8 bytes for 3DES, 16 for AES. Keys are copied and wiped on free.
 * A failed check (MAC, missing or malformed object, padding, a plain answer)
 * closes the channel: its keys are wiped and every later wrap/unwrap fails
 * with CI_CARD_ERROR_SECURE_MESSAGING; authenticate again. */
CiSm       *ci_sm_new               (CiSmCipher      cipher,
                                     const guint8    kenc[CI_SM_KEY_LEN],
                                     const guint8    kmac[CI_SM_KEY_LEN],
                                     const guint8   *ssc,
                                     gsize           ssc_len);
void        ci_sm_free              (CiSm           *self);
CiSmCipher  ci_sm_get_cipher        (CiSm           *self);

/* Host side: protect a command (SSC += 1), check and open its response (SSC += 1).
 * The response's plain data and inner status word come back in a new CiResponse. */
CiApdu     *ci_sm_wrap_command      (CiSm           *self,
                                     const CiApdu   *plain,
                                     GError        **error);
CiResponse *ci_sm_unwrap_response   (CiSm           *self,
                                     const CiResponse *protected_response,
                                     GError        **error);

/* Card side: open a protected command, protect a response. The plain Le is
 * trimmed to what one protected answer under the outer Le can carry (223
 * bytes with AES, 231 with 3DES for a short command). */
CiApdu     *ci_sm_unwrap_command    (CiSm           *self,
                                     const CiApdu   *protected_command,
                                     GError        **error);
CiResponse *ci_sm_wrap_response     (CiSm           *self,
                                     const CiResponse *plain,
                                     GError        **error);

/* ICAO Doc 9303 Part 11 §9.7.1: KDF(K, c) = SHA-1(K || c)[0..15] with c = 1 (enc)
 * or 2 (mac), as a 32-bit big-endian counter; 3DES keys get odd DES parity. */
#define CI_SM_KDF_ENC 1
#define CI_SM_KDF_MAC 2
void        ci_sm_kdf               (CiSmCipher      cipher,
                                     const guint8   *seed,
                                     gsize           seed_len,
                                     guint32         counter,
                                     guint8          out[CI_SM_KEY_LEN]);

/* The building blocks, exposed for the mutual authentication and the tests. */
gboolean    ci_sm_encrypt           (CiSmCipher      cipher,
                                     const guint8    key[CI_SM_KEY_LEN],
                                     const guint8   *iv,
                                     const guint8   *in,
                                     gsize           len,
                                     guint8         *out,
                                     gboolean        decrypt,
                                     GError        **error);
gboolean    ci_sm_mac               (CiSmCipher      cipher,
                                     const guint8    key[CI_SM_KEY_LEN],
                                     const guint8   *in,
                                     gsize           len,
                                     guint8          out[CI_SM_MAC_LEN],
                                     GError        **error);
/* ci_sm_mac() pads its input itself (ISO/IEC 9797-1 method 2), then computes
 * MAC algorithm 3 (3DES) or AES-CMAC truncated to 8 bytes. ci_sm_encrypt()
 * takes block-aligned input; @iv NULL means zeros.
 * ci_sm_pad(): ISO/IEC 9797-1 padding method 2 to the cipher's block size. */
void        ci_sm_pad               (CiSmCipher      cipher,
                                     GByteArray     *buf);
gsize       ci_sm_block_size        (CiSmCipher      cipher);

/**
 * CiSmAuth:
 *
 * Mutual authentication with a static key pair (ICAO Doc 9303 Part 11 §9.7.2
 * shape, as docs/card-profile.md §6 specifies it for AES-128): both sides derive
 * the session keys and SSC from it.
 */
typedef struct
{
  CiSmCipher cipher;
  guint8     rnd_icc[8];
  guint8     rnd_ifd[8];
  guint8     k_ifd[16];
  guint8     k_icc[16];
} CiSmAuth;

/* Host: builds E.IFD || M.IFD (from rnd_ifd, rnd_icc and k_ifd already in @auth). */
GByteArray *ci_sm_auth_host_cryptogram (CiSmAuth     *auth,
                                        const guint8  kenc[CI_SM_KEY_LEN],
                                        const guint8  kmac[CI_SM_KEY_LEN],
                                        GError      **error);
/* Card: checks the host cryptogram (MAC, then RND.ICC), fills auth->rnd_ifd and
 * auth->k_ifd, and builds E.ICC || M.ICC with auth->k_icc. */
GByteArray *ci_sm_auth_card_respond    (CiSmAuth     *auth,
                                        const guint8  kenc[CI_SM_KEY_LEN],
                                        const guint8  kmac[CI_SM_KEY_LEN],
                                        const guint8 *host_cryptogram,
                                        gsize         len,
                                        GError      **error);
/* Host: checks the card's answer (MAC, then RND.IFD) and fills auth->k_icc. */
gboolean    ci_sm_auth_host_finish     (CiSmAuth     *auth,
                                        const guint8  kenc[CI_SM_KEY_LEN],
                                        const guint8  kmac[CI_SM_KEY_LEN],
                                        const guint8 *card_cryptogram,
                                        gsize         len,
                                        GError      **error);
/* Both: session keys from K.IFD xor K.ICC, SSC from the nonces. */
CiSm       *ci_sm_auth_session         (const CiSmAuth *auth);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiSm, ci_sm_free)

G_END_DECLS
