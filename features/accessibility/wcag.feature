@a11y
Feature: The journey meets WCAG 2.1 AA
  User guide 1.1, 1.3 and 2.2: the journeys of the guide, for everyone. FAMHP's web applications for the public fall under the EU Web Accessibility Directive (WCAG 2.1 AA,
  EN 301 549). Every screen a scenario shows is checked with axe-core; these scenarios say it for the
  journeys of the user guide: a violation that is not in the deployment's baseline of known ones fails them.

  Scenario: The screens of the first login meet WCAG 2.1 AA
    Given an organisation administrator has invited a new external user
    And the invited user has confirmed the invitation from the e-mail
    When they sign in with the initial password
    And they set up their authenticator app by scanning the QR code
    And they accept the terms of use
    And they choose a new password that meets the policy
    Then the IAM External Portal opens
    And every screen they saw meets WCAG 2.1 AA, apart from the known violations of the baseline

  Scenario: The screens of creating and revoking an API key meet WCAG 2.1 AA
    Given an onboarded external user with the role "API key manager" in their organisation
    And they have signed in to the IAM External Portal
    When they open "FAMHP Connect" from its tile on the dashboard
    And they open the "API Keys" tab
    And they click the button to create a new API key
    And they enter the name "Accessible key" and select their organisation
    And they click "Save"
    And they click "Done"
    And they ask to revoke the API key "Accessible key"
    Then every screen they saw meets WCAG 2.1 AA, apart from the known violations of the baseline

  Scenario: The screens of VAMREG by its direct link meet WCAG 2.1 AA
    Given an onboarded external user with the role "VAMREG user" in their organisation
    When they open VAMREG by its direct link
    And they sign in with e-mail, password and a one-time code
    Then VAMREG opens for that user and their organisation
    And every screen they saw meets WCAG 2.1 AA, apart from the known violations of the baseline

  Scenario: An invited user activates their account with the keyboard only
    Given an organisation administrator has invited a new external user
    And the invited user has confirmed the invitation from the e-mail
    When they sign in with the initial password and finish the first sign-in, with the keyboard only
    Then the IAM External Portal opens
