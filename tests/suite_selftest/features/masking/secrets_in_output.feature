@masking
Feature: Secrets in what pytest prints and records
  A secret that a step asserts on, prints or logs reaches neither the console, nor junit.xml, nor the Allure results
  unmasked (tests/unit/test_masking.py).

  Scenario: An assertion on a secret fails
    Given a password known to the run
    Then an assertion on its length fails

  Scenario: A comparison with a secret fails
    Given a password known to the run
    Then a comparison with it fails

  Scenario: A step prints and logs a secret, then fails
    Given a password known to the run
    Then the step prints and logs it and fails

  Scenario: A step prints and logs a secret and passes
    Given a password known to the run
    Then the step prints and logs it
