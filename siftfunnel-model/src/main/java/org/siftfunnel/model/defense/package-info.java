/**
 * Defenses: how the edge is built and trained, and how transmitted features are perturbed.
 * {@link org.siftfunnel.model.defense.Defenses} maps names to implementations.
 */
package org.siftfunnel.model.defense;
