#ifndef C_SHIPPED_MODEL_H
#define C_SHIPPED_MODEL_H

#include <stddef.h>

/// The first byte of Models/mnist-mlp.safetensors as built into the program.
const unsigned char *digits_shipped_model_bytes(void);

/// How many bytes `digits_shipped_model_bytes` points to.
size_t digits_shipped_model_size(void);

/// The first byte of Models/digit-verifier.safetensors as built into the program.
const unsigned char *digits_shipped_verifier_bytes(void);

/// How many bytes `digits_shipped_verifier_bytes` points to.
size_t digits_shipped_verifier_size(void);

/// The first byte of Models/cut-scorer.safetensors as built into the program.
const unsigned char *digits_shipped_cut_scorer_bytes(void);

/// How many bytes `digits_shipped_cut_scorer_bytes` points to.
size_t digits_shipped_cut_scorer_size(void);

/// The first byte of Models/row-reader-2px.safetensors as built into the program.
const unsigned char *digits_shipped_row_reader_2px_bytes(void);

/// How many bytes `digits_shipped_row_reader_2px_bytes` points to.
size_t digits_shipped_row_reader_2px_size(void);

/// The first byte of Models/row-reader-4px.safetensors as built into the program.
const unsigned char *digits_shipped_row_reader_4px_bytes(void);

/// How many bytes `digits_shipped_row_reader_4px_bytes` points to.
size_t digits_shipped_row_reader_4px_size(void);

#endif
