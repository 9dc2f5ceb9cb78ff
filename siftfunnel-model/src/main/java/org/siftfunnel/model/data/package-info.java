/** Datasets and their loaders. */
package org.siftfunnel.model.data;
