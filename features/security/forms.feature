@security @api-keys @negative
Feature: A form sent without its CSRF token changes nothing
  User guide 2.2, as a request forged on another site meets it: every form of FAMHP Connect carries an
  anti-forgery (CSRF) token that another site cannot read, so a forged request arrives without it, as the forms
  here are sent after the token is taken out of them. FAMHP Connect refuses it, and nothing changes.
  (Typed key names get a short random suffix.)

  Background:
    Given an onboarded external user with the role "API key manager" in their organisation
    And they have signed in to the IAM External Portal

  Scenario: A new key sent without the form's CSRF token is not created
    Given they have opened the "API Keys" tab of FAMHP Connect from the dashboard
    When they click the button to create a new API key
    And they enter the name "Unprotected" and select their organisation
    And they save the new key from a form without its CSRF token
    Then FAMHP Connect refuses the request
    And no API key "Unprotected" is listed for their organisation

  Scenario: A revocation sent without the form's CSRF token leaves the key working
    Given they have created the API key "Nightly export" for their organisation in FAMHP Connect
    When they ask to revoke the API key "Nightly export"
    And they confirm the revocation from a form without its CSRF token
    Then FAMHP Connect refuses the request
    And the API key "Nightly export" opens the FAMHP Connect API for their organisation
