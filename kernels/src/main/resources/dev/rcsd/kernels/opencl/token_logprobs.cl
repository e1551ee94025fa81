// TokenLogProbs: student_logprobs[n], student_entropy[n], teacher_logprobs[k, n].
// One work-group per row n; teachers are [K, rows, V].
inline void token_logprobs_row(__global const float* z, __global const float* u, __global const int* tokens,
                               int rows, int V, int K, float inv_t, int want_entropy,
                               __global float* s_out, __global float* h_out, __global float* t_out,
                               __local float* scratch) {
  const int n = get_group_id(0);
  const int lid = get_local_id(0);
  const int tok = tokens[n];
  __global const float* row = z + (size_t) n * V;
  float m = row_max(row, V, scratch);
  float lz = row_log_z(row, V, m, inv_t, scratch);
  if (want_entropy) {
    float h = row_entropy(row, V, m, lz, inv_t, scratch);
    if (lid == 0) h_out[n] = h;
  }
  if (lid == 0) s_out[n] = (row[tok] - m) * inv_t - lz;
  for (int k = 0; k < K; k++) {
    __global const float* t = u + ((size_t) k * rows + n) * V;
    float tm = row_max(t, V, scratch);
    float tl = row_log_z(t, V, tm, inv_t, scratch);
    if (lid == 0) t_out[k * rows + n] = (t[tok] - tm) * inv_t - tl;
  }
}

__kernel void token_logprobs(__global const float* z, __global const float* u, __global const int* tokens,
                             int rows, int V, int K, float inv_t, int want_entropy,
                             __global float* s_out, __global float* h_out, __global float* t_out) {
  __local float scratch[WG];
  token_logprobs_row(z, u, tokens, rows, V, K, inv_t, want_entropy, s_out, h_out, t_out, scratch);
}
