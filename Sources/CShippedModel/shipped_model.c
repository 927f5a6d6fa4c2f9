#include "CShippedModel.h"

#if !defined(__has_embed)
#error "the compiler does not support #embed"
#elif !__has_embed("../../Models/mnist-mlp.safetensors")
#error "Models/mnist-mlp.safetensors was not found"
#elif !__has_embed("../../Models/digit-verifier.safetensors")
#error "Models/digit-verifier.safetensors was not found"
#elif !__has_embed("../../Models/cut-scorer.safetensors")
#error "Models/cut-scorer.safetensors was not found"
#elif !__has_embed("../../Models/row-reader-2px.safetensors")
#error "Models/row-reader-2px.safetensors was not found"
#elif !__has_embed("../../Models/row-reader-4px.safetensors")
#error "Models/row-reader-4px.safetensors was not found"
#endif

// The file's bytes, read by the compiler: the program carries its default model.
static const unsigned char shipped_model[] = {
#embed "../../Models/mnist-mlp.safetensors"
};

const unsigned char *digits_shipped_model_bytes(void) { return shipped_model; }

size_t digits_shipped_model_size(void) { return sizeof shipped_model; }

// The reader's digit verifier, likewise.
static const unsigned char shipped_verifier[] = {
#embed "../../Models/digit-verifier.safetensors"
};

const unsigned char *digits_shipped_verifier_bytes(void) { return shipped_verifier; }

size_t digits_shipped_verifier_size(void) { return sizeof shipped_verifier; }

// The reader's cut scorer, likewise.
static const unsigned char shipped_cut_scorer[] = {
#embed "../../Models/cut-scorer.safetensors"
};

const unsigned char *digits_shipped_cut_scorer_bytes(void) { return shipped_cut_scorer; }

size_t digits_shipped_cut_scorer_size(void) { return sizeof shipped_cut_scorer; }

// The reader's two row readers, likewise: frames two input columns apart, and four.
static const unsigned char shipped_row_reader_2px[] = {
#embed "../../Models/row-reader-2px.safetensors"
};

const unsigned char *digits_shipped_row_reader_2px_bytes(void) { return shipped_row_reader_2px; }

size_t digits_shipped_row_reader_2px_size(void) { return sizeof shipped_row_reader_2px; }

static const unsigned char shipped_row_reader_4px[] = {
#embed "../../Models/row-reader-4px.safetensors"
};

const unsigned char *digits_shipped_row_reader_4px_bytes(void) { return shipped_row_reader_4px; }

size_t digits_shipped_row_reader_4px_size(void) { return sizeof shipped_row_reader_4px; }
