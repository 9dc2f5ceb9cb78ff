/**
 * Training runs: settings and profiles, the trainer with precise-BN evaluation, checkpoints
 * and the run folder's metadata.
 */
package org.siftfunnel.model.train;
