"""The user guide built from a green run: its definition (chapters, steps, words per language), the proof each step
takes from the run's results (a passed step and its screenshot), the HTML and PDF, and what changed since an
earlier guide."""
