/**
 * Counter-based random numbers (Philox4x32-10): the same seed gives the same draws on
 * every backend and thread count.
 */
package org.siftfunnel.engine.random;
