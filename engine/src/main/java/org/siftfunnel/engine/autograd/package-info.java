/**
 * Define-by-run reverse-mode autograd: recorded nodes, the backward pass, the per-thread
 * no-grad switch, and a finite-difference gradient checker.
 */
package org.siftfunnel.engine.autograd;
