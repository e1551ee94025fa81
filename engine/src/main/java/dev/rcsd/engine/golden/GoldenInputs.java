package dev.rcsd.engine.golden;

import dev.rcsd.kernels.LossBatch;
import dev.rcsd.kernels.LossParams;

/** The kernel inputs read from one golden-tensor file. */
public record GoldenInputs(LossBatch batch, LossParams params) {}
