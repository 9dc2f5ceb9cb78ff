/**
 * Training objectives of the split models: the SiftFunnel composite loss (label-smoothed KL,
 * distance correlation between input and Z, L1 on Z, inter-channel Pearson correlation of Z)
 * and the undefended task loss (NLL), each returning its terms for logging.
 */
package org.siftfunnel.model.objective;
