/* ci-face-template.h
 *
 * Copyright 2026 CardIssue contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* ISO/IEC 7810 ID-1 (DESIGN.md §4), in millimetres. */
#define CI_FACE_CARD_WIDTH_MM   85.60
#define CI_FACE_CARD_HEIGHT_MM  53.98
#define CI_FACE_CARD_RADIUS_MM   3.18

#define CI_FACE_TEMPLATE_ERROR (ci_face_template_error_quark ())

typedef enum
{
  CI_FACE_TEMPLATE_ERROR_SYNTAX,       /* a line that is not "keyword key=value …" */
  CI_FACE_TEMPLATE_ERROR_UNKNOWN,      /* unknown keyword, element, key or field */
  CI_FACE_TEMPLATE_ERROR_VALUE,        /* a value out of range or of the wrong form */
  CI_FACE_TEMPLATE_ERROR_MISSING,      /* a required key or section is missing */
  CI_FACE_TEMPLATE_ERROR_GEOMETRY,     /* a box outside the card or the safe margin */
  CI_FACE_TEMPLATE_ERROR_FILE,         /* the template or a file it names cannot be read */
} CiFaceTemplateError;

typedef enum
{
  CI_FACE_FRONT,
  CI_FACE_BACK,
} CiFaceSide;

typedef enum
{
  CI_FACE_COLOUR,   /* a card printer: full colour */
  CI_FACE_LASER,    /* a laser engraver: black marks on the card body, 1 bit */
} CiFaceMode;

typedef enum
{
  CI_FACE_ELEMENT_TEXT,    /* a field's value (or fixed text) fitted into its box */
  CI_FACE_ELEMENT_PHOTO,   /* the holder's photo, cropped to the box */
  CI_FACE_ELEMENT_QR,      /* the face–chip binding QR code (ci-face-binding.h) */
  CI_FACE_ELEMENT_IMAGE,   /* a logo: PNG or SVG file next to the template */
  CI_FACE_ELEMENT_RECT,    /* a shape or colour band */
} CiFaceElementKind;

typedef enum
{
  CI_FACE_ALIGN_START,     /* left in left-to-right text, right in right-to-left */
  CI_FACE_ALIGN_CENTRE,
  CI_FACE_ALIGN_END,
} CiFaceAlign;

typedef enum
{
  CI_FACE_CROP_FACE,       /* around the face region, when the photo names one */
  CI_FACE_CROP_CENTRE,
} CiFaceCrop;

typedef enum
{
  CI_FACE_QR_ECC_L,
  CI_FACE_QR_ECC_M,
  CI_FACE_QR_ECC_Q,
  CI_FACE_QR_ECC_H,
} CiFaceQrEcc;

/* A box on the card, in mm from its top-left corner. */
typedef struct
{
  double x;
  double y;
  double width;
  double height;
} CiFaceBox;

/* 0xRRGGBBAA */
typedef guint32 CiFaceColour;

/**
 * CiFaceElement:
 * @kind: what it is
 * @line: the template line it was declared on, for messages
 * @box: where it goes
 * @field: TEXT: the field it shows (see ci_face_field_is_known()), or %NULL
 *   for @text; RECT: "zone.colour" to take the colour of the holder's highest
 *   zone level, else %NULL
 * @text: TEXT: fixed text (a caption), when @field is %NULL
 * @font: TEXT: a Pango font family list, e.g. "DejaVu Sans"
 * @size_pt: TEXT: the size it is set in…
 * @min_size_pt: … and the smallest it may shrink to before it is ellipsized
 * @weight: TEXT: a Pango weight (400 normal, 700 bold)
 * @align: TEXT: alignment in the box
 * @colour: TEXT, RECT: the colour (in laser mode: marked black where darker than
 *   50% gray and at least half opaque, else left blank)
 * @radius_mm: RECT: corner radius
 * @crop: PHOTO: how to crop to the box's aspect ratio
 * @grayscale: PHOTO: render in gray
 * @ecc: QR: error-correction level
 * @path: IMAGE: the file, absolute (resolved against the template's directory)
 */
typedef struct
{
  CiFaceElementKind kind;
  guint             line;
  CiFaceBox         box;
  char             *field;
  char             *text;
  char             *font;
  double            size_pt;
  double            min_size_pt;
  int               weight;
  CiFaceAlign       align;
  CiFaceColour      colour;
  double            radius_mm;
  CiFaceCrop        crop;
  gboolean          grayscale;
  CiFaceQrEcc       ecc;
  char             *path;
} CiFaceElement;

/**
 * CiFaceTemplate:
 * @id: the file name without its extension
 * @name: what people call it
 * @mode: colour printer or laser engraver
 * @margin_mm: the safe margin: nothing but backgrounds and bands closer to
 *   the edge
 * @background: the card body's colour on each side
 * @front: (element-type CiFaceElement): painted in order
 * @back: (element-type CiFaceElement): painted in order
 */
typedef struct
{
  char         *id;
  char         *name;
  CiFaceMode    mode;
  double        margin_mm;
  CiFaceColour  background[2];
  GPtrArray    *front;
  GPtrArray    *back;
} CiFaceTemplate;

GQuark          ci_face_template_error_quark (void);

CiFaceTemplate *ci_face_template_load        (const char           *path,
                                              GError              **error);
CiFaceTemplate *ci_face_template_parse       (const char           *text,
                                              gsize                 len,
                                              const char           *origin,
                                              const char           *base_dir,
                                              GError              **error);
void            ci_face_template_free        (CiFaceTemplate       *self);
GPtrArray      *ci_face_template_get_side    (const CiFaceTemplate *self,
                                              CiFaceSide            side);

gboolean        ci_face_field_is_known       (const char           *field);
const char * const *ci_face_fields           (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CiFaceTemplate, ci_face_template_free)

G_END_DECLS
