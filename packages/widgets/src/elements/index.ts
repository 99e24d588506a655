/** Entry of the embeddable bundle (/widgets/medpro-widgets.js): loading it registers the elements. */
import { defineMedProElements } from './define.ts';

defineMedProElements();

export { defineMedProElements };
