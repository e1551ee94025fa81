// Entry points for TornadoVM prebuilt tasks: the same row functions as the library's own kernels,
// behind TornadoVM's calling convention for prebuilt OpenCL kernels:
//
//   (_kernel_context, _constant_region, _local_region, _atomics, array arguments...)
//
// Array arguments are TornadoVM native arrays: TORNADO_HEADER bytes of header, then the data.
// Scalars arrive in two small arrays, ip (ints) and fp (floats), so that one compiled execution
// plan serves every call of a shape; their layout is given per entry below and mirrored by the
// tornado module's Java side.
#define T_DATA(type, p) ((__global type*) ((p) + TORNADO_HEADER))
#define TORNADO_ABI __global long* _kernel_context, __constant uchar* _constant_region, \
                    __local uchar* _local_region, __global int* _atomics

// ip = {rows, V, K, want_entropy}, fp = {inv_t}
__kernel void tornado_token_logprobs(TORNADO_ABI, __global uchar* z, __global uchar* u, __global uchar* tokens,
                                     __global uchar* ip, __global uchar* fp, __global uchar* s_out,
                                     __global uchar* h_out, __global uchar* t_out) {
  __local float scratch[WG];
  __global const int* i = T_DATA(const int, ip);
  __global const float* f = T_DATA(const float, fp);
  token_logprobs_row(T_DATA(const float, z), T_DATA(const float, u), T_DATA(const int, tokens), i[0], i[1], i[2],
                     f[0], i[3], T_DATA(float, s_out), T_DATA(float, h_out), T_DATA(float, t_out), scratch);
}

// ip = {rows, V, K}, fp = {inv_t, beta, scale}
__kernel void tornado_generalized_jsd(TORNADO_ABI, __global uchar* z, __global uchar* u, __global uchar* mask,
                                      __global uchar* ip, __global uchar* fp, __global uchar* jsd_out,
                                      __global uchar* row_loss, __global uchar* grad) {
  __local float scratch[WG];
  __global const int* i = T_DATA(const int, ip);
  __global const float* f = T_DATA(const float, fp);
  generalized_jsd_row(T_DATA(const float, z), T_DATA(const float, u), T_DATA(const float, mask), i[0], i[1], i[2],
                      f[0], f[1], f[2], T_DATA(float, jsd_out), T_DATA(float, row_loss), T_DATA(float, grad), scratch);
}

// ip = {rows, V, K, k}, fp = {inv_t, clip, scale}
__kernel void tornado_topk_distillation(TORNADO_ABI, __global uchar* z, __global uchar* u, __global uchar* mask,
                                        __global uchar* ip, __global uchar* fp, __global uchar* topk_out,
                                        __global uchar* row_loss, __global uchar* grad) {
  __local float scratch[WG];
  __local float cand_v[WG];
  __local int cand_i[WG];
  __local float sel_v[MAX_K];
  __local int sel_i[MAX_K];
  __global const int* i = T_DATA(const int, ip);
  __global const float* f = T_DATA(const float, fp);
  topk_distillation_row(T_DATA(const float, z), T_DATA(const float, u), T_DATA(const float, mask), i[0], i[1], i[2],
                        i[3], f[0], f[1], f[2], T_DATA(float, topk_out), T_DATA(float, row_loss), T_DATA(float, grad),
                        scratch, cand_v, cand_i, sel_v, sel_i);
}

// ip = {rows, V, K}, fp = {inv_t, clip, scale}
__kernel void tornado_rubric_advantage(TORNADO_ABI, __global uchar* z, __global uchar* u, __global uchar* tokens,
                                       __global uchar* mask, __global uchar* weights, __global uchar* ip,
                                       __global uchar* fp, __global uchar* s_out, __global uchar* adv_out,
                                       __global uchar* row_loss, __global uchar* grad) {
  __local float scratch[WG];
  __global const int* i = T_DATA(const int, ip);
  __global const float* f = T_DATA(const float, fp);
  rubric_advantage_row(T_DATA(const float, z), T_DATA(const float, u), T_DATA(const int, tokens),
                       T_DATA(const float, mask), T_DATA(const float, weights), i[0], i[1], i[2], f[0], f[1], f[2],
                       T_DATA(float, s_out), T_DATA(float, adv_out), T_DATA(float, row_loss), T_DATA(float, grad),
                       scratch);
}

// ip = {V}, fp = {inv_t, eps_low, eps_high, kl_coef, scale}
__kernel void tornado_grpo_loss(TORNADO_ABI, __global uchar* z, __global uchar* tokens, __global uchar* mask,
                                __global uchar* old_lp, __global uchar* ref_lp, __global uchar* adv,
                                __global uchar* ip, __global uchar* fp, __global uchar* s_out,
                                __global uchar* row_loss, __global uchar* grad) {
  __local float scratch[WG];
  __global const int* i = T_DATA(const int, ip);
  __global const float* f = T_DATA(const float, fp);
  grpo_loss_row(T_DATA(const float, z), T_DATA(const int, tokens), T_DATA(const float, mask),
                T_DATA(const float, old_lp), T_DATA(const float, ref_lp), T_DATA(const float, adv), i[0], f[0], f[1],
                f[2], f[3], f[4], T_DATA(float, s_out), T_DATA(float, row_loss), T_DATA(float, grad), scratch);
}

// ip = {n}; one work-group: out[0] = sum of values[0..n)
__kernel void tornado_sum_rows(TORNADO_ABI, __global uchar* values, __global uchar* ip, __global uchar* out) {
  __local float scratch[WG];
  sum_rows_group(T_DATA(const float, values), T_DATA(const int, ip)[0], T_DATA(float, out), scratch);
}
