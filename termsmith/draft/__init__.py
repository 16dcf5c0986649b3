"""From a validated deal and a library to the Draft: selection, conditions, templating, composing."""
